import { describe, expect, it } from "vitest";

import { draftOf, fieldsOf, newDraft, windowOf } from "./timeOff";

describe("newDraft", () => {
  it("offers the working week of the first week shown, whole days of vacation", () => {
    expect(newDraft("2027-01-04")).toEqual({
      startDate: "2027-01-04",
      endDate: "2027-01-08",
      hoursPerDay: "",
      kind: "VACATION",
      note: "",
    });
    expect(newDraft("2026-12-28").endDate).toBe("2027-01-01");
  });
});

describe("fieldsOf", () => {
  it("sends every field: empty hours are whole days (null), a comma is a decimal point", () => {
    expect(fieldsOf({ ...newDraft("2027-01-04"), note: "  ski trip " })).toEqual({
      fields: {
        startDate: "2027-01-04",
        endDate: "2027-01-08",
        hoursPerDay: null,
        kind: "VACATION",
        note: "ski trip",
      },
    });
    expect(fieldsOf({ ...newDraft("2027-01-04"), hoursPerDay: "3,5", kind: "SICK" })).toMatchObject({
      fields: { hoursPerDay: 3.5, kind: "SICK" },
    });
  });

  it("names the field that is missing or not a number; the API checks order and range", () => {
    expect(fieldsOf({ ...newDraft("2027-01-04"), startDate: "" })).toEqual({
      error: "Choose the first day off",
      field: "startDate",
    });
    expect(fieldsOf({ ...newDraft("2027-01-04"), endDate: "" })).toEqual({
      error: "Choose the last day off",
      field: "endDate",
    });
    expect(fieldsOf({ ...newDraft("2027-01-04"), hoursPerDay: "half" })).toEqual({
      error: "Hours a day are a number, like 4 or 7.5 (empty: whole days)",
      field: "hoursPerDay",
    });
    // after the start, and over 24 hours: the API's errors, shown as it words them
    expect(fieldsOf({ ...newDraft("2027-01-04"), endDate: "2027-01-01", hoursPerDay: "25" })).toMatchObject({
      fields: { endDate: "2027-01-01", hoursPerDay: 25 },
    });
  });
});

describe("draftOf", () => {
  it("puts an entry back in the form, whole days as empty hours", () => {
    const entry = { id: "7", startDate: "2027-01-04", endDate: "2027-01-06", kind: "VACATION" as const, note: "x" };
    expect(draftOf({ ...entry, hoursPerDay: null })).toEqual({
      startDate: "2027-01-04",
      endDate: "2027-01-06",
      hoursPerDay: "",
      kind: "VACATION",
      note: "x",
    });
    expect(draftOf({ ...entry, hoursPerDay: 4 }).hoursPerDay).toBe("4");
  });
});

describe("windowOf", () => {
  it("runs from the first Monday to the last Sunday shown", () => {
    expect(windowOf(["2026-12-21", "2026-12-28", "2027-01-04", "2027-01-11"])).toEqual({
      from: "2026-12-21",
      to: "2027-01-17",
    });
    expect(windowOf([])).toBe(null);
  });
});
