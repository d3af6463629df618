import { describe, expect, it } from "vitest";

import {
  formatHours,
  loadTitle,
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

describe("weekCapacity", () => {
  it("is 0 before the hire week and the weekly capacity from it on", () => {
    expect(weekCapacity(40, "2026-11-23", "2026-11-16")).toBe(0);
    expect(weekCapacity(40, "2026-11-23", "2026-11-23")).toBe(40);
    expect(weekCapacity(40, "2026-11-23", "2027-01-04")).toBe(40);
    expect(weekCapacity(32, null, "2020-01-06")).toBe(32);
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
    expect(loadTitle(weekLoad(32.5, 40), false)).toBe("32.5h of 40h (81.3%), near capacity");
    expect(loadTitle(weekLoad(16, 0), true)).toBe("16h of 0h, over capacity (before the hire date)");
  });
});

describe("formatHours", () => {
  it("prints hours without noise", () => {
    expect(formatHours(32)).toBe("32");
    expect(formatHours(7.5)).toBe("7.5");
    expect(formatHours(7.25)).toBe("7.25");
  });
});
