import { describe, expect, it } from "vitest";

import { addWeeks, dayLabel, mondayOf, normaliseWeek, shortWeek, weekLabel } from "./weeks";

describe("weeks", () => {
  it("names a week by its Monday", () => {
    expect(normaliseWeek("2026-11-23")).toBe("2026-11-23");
    expect(normaliseWeek("2026-11-29")).toBe("2026-11-23"); // Sunday
    expect(normaliseWeek("2027-01-01")).toBe("2026-12-28"); // across the year
    expect(mondayOf(new Date(2026, 10, 25))).toBe("2026-11-23");
  });
  it("refuses what is not a date", () => {
    expect(normaliseWeek("2026-02-30")).toBeNull();
    expect(normaliseWeek("next week")).toBeNull();
    expect(normaliseWeek("")).toBeNull();
  });
  it("labels columns", () => {
    expect(shortWeek("2026-11-23")).toBe("23 Nov");
    expect(shortWeek("2027-09-06")).toBe("6 Sep");
  });
  it("labels a week picker with the week it shows", () => {
    expect(weekLabel("2026-11-30")).toBe("Week of 30 Nov 2026");
    expect(weekLabel("2027-01-04")).toBe("Week of 4 Jan 2027");
    expect(weekLabel("2027-09-06")).toBe("Week of 6 Sep 2027");
    expect(dayLabel("2026-11-02")).toBe("2 Nov 2026");
  });
  it("steps a week at a time, across months, years and clock changes", () => {
    expect(addWeeks("2026-11-30", 1)).toBe("2026-12-07");
    expect(addWeeks("2026-12-28", 1)).toBe("2027-01-04");
    expect(addWeeks("2027-01-04", -1)).toBe("2026-12-28");
    expect(addWeeks("2027-03-22", 2)).toBe("2027-04-05"); // over a summer-time change
    expect(addWeeks("2026-11-30", 26)).toBe("2027-05-31");
  });
});
