import { describe, expect, it } from "vitest";

import { mondayOf, normaliseWeek, shortWeek } from "./weeks";

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
  });
});
