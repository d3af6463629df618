import { describe, expect, it } from "vitest";

import { formatScore, knownSkill, parseWeight, suggestSkills } from "./skills";

const KNOWN = ["Python", "PostgreSQL", "TypeScript", "JavaScript", "React", "Rust", "Go", "Power BI"];

describe("knownSkill", () => {
  it("matches ignoring case and spaces, as the API does", () => {
    expect(knownSkill(" python ", KNOWN)).toBe("Python");
    expect(knownSkill("Pythn", KNOWN)).toBeNull();
  });
});

describe("suggestSkills", () => {
  it("offers names that start with, then contain, what was typed", () => {
    expect(suggestSkills("p", KNOWN)).toEqual(["PostgreSQL", "Power BI", "Python", "JavaScript", "TypeScript"]);
    expect(suggestSkills("script", KNOWN)).toEqual(["JavaScript", "TypeScript"]);
  });
  it("offers known names for a misspelt one", () => {
    expect(suggestSkills("Pythn", KNOWN)).toEqual(["Python"]);
    expect(suggestSkills("reakt", KNOWN)).toEqual(["React"]);
    expect(suggestSkills("Postgress", KNOWN)).toEqual(["PostgreSQL"]);
  });
  it("offers nothing for what resembles no known skill", () => {
    expect(suggestSkills("Cobol", KNOWN)).toEqual([]);
    expect(suggestSkills("  ", KNOWN)).toEqual([]);
  });
  it("stops at the limit", () => {
    expect(suggestSkills("p", KNOWN, 2)).toEqual(["PostgreSQL", "Power BI"]);
  });
});

describe("weights and scores", () => {
  it("reads a weight 0..10, else the default", () => {
    expect(parseWeight(null)).toBe(0.5);
    expect(parseWeight("")).toBe(0.5);
    expect(parseWeight("0")).toBe(0);
    expect(parseWeight("0.8")).toBe(0.8);
    expect(parseWeight("10")).toBe(10);
    expect(parseWeight("11")).toBe(0.5);
    expect(parseWeight("-1")).toBe(0.5);
    expect(parseWeight("lots")).toBe(0.5);
  });
  it("shows scores with one decimal", () => {
    expect(formatScore(71.25)).toBe("71.3");
    expect(formatScore(50)).toBe("50.0");
    expect(formatScore(0)).toBe("0.0");
  });
});
