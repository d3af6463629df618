import { describe, expect, it } from "vitest";

import {
  cellClass,
  formatHours,
  leaveHours,
  loadTitle,
  notEmployed,
  percentLabel,
  percentOf,
  summarise,
  weekCapacity,
  weekLoad,
} from "./heat";

describe("weekLoad", () => {
  it("bands a week by its share of capacity", () => {
    expect(weekLoad(0, 40)).toEqual({ hours: 0, capacity: 40, percent: 0, band: "none" });
    expect(weekLoad(20, 40).band).toBe("under");
    expect(weekLoad(31.99, 40)).toEqual({ hours: 31.99, capacity: 40, percent: 80, band: "near" });
    expect(weekLoad(31.98, 40)).toEqual({ hours: 31.98, capacity: 40, percent: 80, band: "near" });
    expect(weekLoad(31.96, 40).band).toBe("under"); // 79.9%
    expect(weekLoad(32, 40).band).toBe("near");
    expect(weekLoad(40, 40)).toEqual({ hours: 40, capacity: 40, percent: 100, band: "near" });
    expect(weekLoad(40.01, 40)).toEqual({ hours: 40.01, capacity: 40, percent: 100, band: "near" });
    expect(weekLoad(40.02, 40)).toEqual({ hours: 40.02, capacity: 40, percent: 100.1, band: "over" });
  });

  it("calls hours in a week with zero capacity over, and an empty one no capacity", () => {
    expect(weekLoad(16, 0)).toEqual({ hours: 16, capacity: 0, percent: null, band: "over" });
    expect(weekLoad(0, 0)).toEqual({ hours: 0, capacity: 0, percent: null, band: "nocapacity" });
  });
});

describe("percentOf", () => {
  it("rounds half away from zero, as the API does", () => {
    expect(percentOf(32.5, 40)).toBe(81.3); // 81.25
    expect(percentOf(1.25, 100)).toBe(1.3);
    expect(percentOf(1, 3)).toBe(33.3);
    expect(percentOf(2, 3)).toBe(66.7);
    expect(percentOf(48.5, 40)).toBe(121.3); // 121.25
  });
});

// Katherine Wilson (40 h, Mon-Fri) in four weeks: a whole week of vacation (4-8 Jan), two
// days of it (11-12 Jan), a holiday on the Friday of 25 Dec. The API sends capacity per week
// and the hours leave took; weeks without leave are left out of the leave maps.
const capacityByWeek = { "2026-12-21": 32, "2026-12-28": 40, "2027-01-04": 0, "2027-01-11": 24 };
const timeOffByWeek = { "2027-01-04": 40, "2027-01-11": 16 };
const holidayByWeek = { "2026-12-21": 8 };

describe("weekCapacity", () => {
  it("is the API's capacity of the week, and 0 for a week the map leaves out", () => {
    expect(weekCapacity(capacityByWeek, "2026-12-21")).toBe(32);
    expect(weekCapacity(capacityByWeek, "2027-01-04")).toBe(0);
    expect(weekCapacity(capacityByWeek, "2027-01-11")).toBe(24);
    expect(weekCapacity(capacityByWeek, "2027-01-18")).toBe(0);
    expect(weekCapacity({}, "2020-01-06")).toBe(0);
  });

  it("bands hours against that capacity: leave can make a week over", () => {
    const w = (week: string, hours: number) => weekLoad(hours, weekCapacity(capacityByWeek, week));
    expect(w("2026-12-21", 16)).toEqual({ hours: 16, capacity: 32, percent: 50, band: "under" });
    expect(w("2026-12-28", 16.5).band).toBe("under");
    expect(w("2027-01-04", 20)).toEqual({ hours: 20, capacity: 0, percent: null, band: "over" });
    expect(w("2027-01-11", 20)).toEqual({ hours: 20, capacity: 24, percent: 83.3, band: "near" });
    expect(w("2027-01-11", 26.5)).toEqual({ hours: 26.5, capacity: 24, percent: 110.4, band: "over" });
    expect(w("2027-01-04", 0).band).toBe("nocapacity");
  });
});

describe("leaveHours", () => {
  it("adds the hours time off and holidays took, 0 for a week without", () => {
    expect(leaveHours("2027-01-04", timeOffByWeek, holidayByWeek)).toBe(40);
    expect(leaveHours("2026-12-21", timeOffByWeek, holidayByWeek)).toBe(8);
    expect(leaveHours("2026-12-28", timeOffByWeek, holidayByWeek)).toBe(0);
    expect(leaveHours("2027-01-04", { "2027-01-04": 0.1 }, { "2027-01-04": 0.2 })).toBe(0.3);
  });
});

describe("cellClass", () => {
  it("hatches a week with leave over its band, and keeps the band without", () => {
    expect(cellClass(weekLoad(20, 0), 40)).toBe("cell over leave");
    expect(cellClass(weekLoad(26.5, 24), 16)).toBe("cell over leave");
    expect(cellClass(weekLoad(16, 32), 8)).toBe("cell under leave");
    expect(cellClass(weekLoad(0, 0), 40)).toBe("cell nocapacity leave");
    expect(cellClass(weekLoad(44, 40), 0)).toBe("cell over");
    expect(cellClass(weekLoad(0, 40), 0)).toBe("cell none");
  });
});

describe("notEmployed", () => {
  it("names weeks before the hire week and after the end date", () => {
    expect(notEmployed("2026-11-16", "2026-11-23", null)).toBe("beforeHire");
    expect(notEmployed("2026-11-23", "2026-11-23", null)).toBe(null);
    expect(notEmployed("2027-01-04", null, "2027-01-06")).toBe(null); // ends mid-week
    expect(notEmployed("2027-01-11", null, "2027-01-06")).toBe("afterEnd");
    expect(notEmployed("2027-01-11", null, null)).toBe(null);
  });
});

describe("summarise", () => {
  it("takes the peak from the drawn weeks: hours with no capacity outrank any percentage", () => {
    const weeks = [weekLoad(16, 0), weekLoad(0, 0), weekLoad(44, 40), weekLoad(10, 40)];
    const s = summarise(weeks);
    expect(s.peak).toEqual({ hours: 16, capacity: 0, percent: null, band: "over" });
    expect(percentLabel(s.peak!.percent, s.peak!.band)).toBe("over");
    // 70 hours of 80 hours of capacity
    expect(s.average).toBe(87.5);
    expect(s.averageBand).toBe("near");
  });

  it("peaks at the highest percentage otherwise, and says nothing when there is nothing", () => {
    const s = summarise([weekLoad(0, 0), weekLoad(10, 40), weekLoad(36, 40), weekLoad(0, 40)]);
    expect(s.peak).toEqual({ hours: 36, capacity: 40, percent: 90, band: "near" });
    expect(s.average).toBe(38.3); // 46 / 120
    expect(summarise([weekLoad(0, 0), weekLoad(0, 0)])).toEqual({
      peak: null,
      average: null,
      averageBand: "nocapacity",
    });
    const idle = summarise([weekLoad(0, 40)]);
    expect(idle.peak).toEqual({ hours: 0, capacity: 40, percent: 0, band: "none" });
    expect(percentLabel(idle.average, idle.averageBand)).toBe("0%");
  });

  it("calls a window with hours and no capacity at all over on average too", () => {
    const s = summarise([weekLoad(8, 0), weekLoad(0, 0)]);
    expect([s.average, s.averageBand]).toEqual([null, "over"]);
    expect(percentLabel(s.average, s.averageBand)).toBe("over");
    expect(percentLabel(null, "nocapacity")).toBe("–");
  });
});

describe("loadTitle", () => {
  it("says what a cell holds, and why a week has no capacity", () => {
    expect(loadTitle(weekLoad(32.5, 40), null)).toBe("32.5h of 40h (81.3%), near capacity");
    expect(loadTitle(weekLoad(16, 0), "beforeHire")).toBe(
      "16h of 0h, over capacity (before the hire date)",
    );
    expect(loadTitle(weekLoad(8, 0), "afterEnd")).toBe("8h of 0h, over capacity (after the end date)");
  });

  it("counts the leave and names each absence on a line of its own", () => {
    expect(
      loadTitle(weekLoad(20, 0), null, 40, ["Vacation 4-8 Jan (ski trip)"]),
    ).toBe("20h of 0h, over capacity (40h of leave)\nVacation 4-8 Jan (ski trip)");
    expect(
      loadTitle(weekLoad(16, 32), null, 8, ["Holiday: Christmas Day", "Sick leave 21 Dec, 4h a day"]),
    ).toBe(
      "16h of 32h (50%), under capacity (8h of leave)\nHoliday: Christmas Day\nSick leave 21 Dec, 4h a day",
    );
  });
});

describe("formatHours", () => {
  it("prints hours without noise", () => {
    expect(formatHours(32)).toBe("32");
    expect(formatHours(7.5)).toBe("7.5");
    expect(formatHours(7.25)).toBe("7.25");
  });
});
