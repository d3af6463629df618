import { describe, expect, it } from "vitest";

import { absenceLabel, absencesIn, dayRange, holidaysByCalendar, reasonsIn, type Absence } from "./absences";

const christmas: Absence = { kind: "HOLIDAY", startDate: "2026-12-25", endDate: "2026-12-25", name: "Christmas Day" };
const ski: Absence = { kind: "VACATION", startDate: "2027-01-04", endDate: "2027-01-08", hoursPerDay: null, name: "ski trip" };
const turn: Absence = { kind: "VACATION", startDate: "2026-12-28", endDate: "2027-01-05", hoursPerDay: null, name: "" };
const sunday: Absence = { kind: "SICK", startDate: "2027-01-10", endDate: "2027-01-10", hoursPerDay: 4, name: "" };

describe("absencesIn", () => {
  it("keeps what touches Monday to Sunday of the week", () => {
    const all = [christmas, turn, ski, sunday];
    expect(absencesIn(all, "2026-12-21")).toEqual([christmas]);
    expect(absencesIn(all, "2026-12-28")).toEqual([turn]);
    expect(absencesIn(all, "2027-01-04")).toEqual([turn, ski, sunday]);
    expect(absencesIn(all, "2027-01-11")).toEqual([]);
  });
});

describe("absenceLabel", () => {
  it("names holidays by name, time off by kind, days, hours a day and note", () => {
    expect(absenceLabel(christmas)).toBe("Holiday: Christmas Day");
    expect(absenceLabel(ski)).toBe("Vacation 4-8 Jan (ski trip)");
    expect(absenceLabel(turn)).toBe("Vacation 28 Dec 2026-5 Jan 2027");
    expect(absenceLabel(sunday)).toBe("Sick leave 10 Jan, 4h a day");
    expect(absenceLabel({ ...ski, kind: "PARENTAL", hoursPerDay: 3.5, name: "" })).toBe(
      "Parental leave 4-8 Jan, 3.5h a day",
    );
    expect(absenceLabel({ ...ski, kind: "OTHER" })).toBe("Time off 4-8 Jan (ski trip)");
  });
});

describe("dayRange", () => {
  it("says a day, days of a month, across months, across years", () => {
    expect(dayRange("2026-12-24", "2026-12-24")).toBe("24 Dec");
    expect(dayRange("2026-12-21", "2026-12-24")).toBe("21-24 Dec");
    expect(dayRange("2026-11-30", "2026-12-02")).toBe("30 Nov-2 Dec");
    expect(dayRange("2026-12-28", "2027-01-08")).toBe("28 Dec 2026-8 Jan 2027");
  });
});

describe("reasonsIn", () => {
  const holidays = holidaysByCalendar([
    { calendarId: "1", holidays: [{ date: "2026-12-25", name: "Christmas Day" }, { date: "2027-01-01", name: "New Year's Day" }] },
    { calendarId: "2", holidays: [{ date: "2026-12-24", name: "Heiligabend" }] },
  ]);

  it("gives the followed calendar's holidays of the week, then the row's time off", () => {
    expect(reasonsIn("2026-12-28", [turn], "1", holidays)).toEqual([
      "Holiday: New Year's Day",
      "Vacation 28 Dec 2026-5 Jan 2027",
    ]);
    expect(reasonsIn("2026-12-21", [], "2", holidays)).toEqual(["Holiday: Heiligabend"]);
  });

  it("gives no holidays to a row that follows no calendar, or one the report does not list", () => {
    expect(reasonsIn("2026-12-21", [], null, holidays)).toEqual([]);
    expect(reasonsIn("2026-12-21", [], "9", holidays)).toEqual([]);
  });
});
