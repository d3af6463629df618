import { describe, expect, it } from "vitest";

import { formatHours, loadBand } from "./heat";

describe("loadBand", () => {
  it("bands a week by its share of capacity", () => {
    expect(loadBand(0, 0)).toBe("none");
    expect(loadBand(50, 20)).toBe("under");
    expect(loadBand(79.99, 31.99)).toBe("under");
    expect(loadBand(80, 32)).toBe("near");
    expect(loadBand(100, 40)).toBe("near");
    expect(loadBand(100.01, 40.01)).toBe("over");
  });
  it("treats capacity 0 apart: free, or over when planned anyway", () => {
    expect(loadBand(null, 0)).toBe("nocapacity");
    expect(loadBand(null, 8)).toBe("over");
  });
});

describe("formatHours", () => {
  it("prints hours without noise", () => {
    expect(formatHours(32)).toBe("32");
    expect(formatHours(7.5)).toBe("7.5");
    expect(formatHours(7.25)).toBe("7.25");
  });
});
