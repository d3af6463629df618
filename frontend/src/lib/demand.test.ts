import { describe, expect, it } from "vitest";

import {
  availabilityLabel,
  coversDemand,
  fillBlocked,
  fillNotice,
  includeTentativeOf,
  overbookedLabels,
  rolePoints,
  roleTotals,
  tentativeNote,
  tentativeTotals,
  titleWithTentative,
  totals,
  withIncludeTentative,
  withTentative,
  type Candidate,
  type Status,
} from "./demand";

describe("the include-tentative toggle in the URL", () => {
  it("is on unless the URL says tentative=0", () => {
    expect(includeTentativeOf(new URLSearchParams(""))).toBe(true);
    expect(includeTentativeOf(new URLSearchParams("tentative=1"))).toBe(true);
    expect(includeTentativeOf(new URLSearchParams("tentative=0"))).toBe(false);
    expect(includeTentativeOf(new URLSearchParams("weeks=4&tentative=0&department=2"))).toBe(false);
  });

  it("writes tentative=0 when off, nothing when on, and keeps the other parameters", () => {
    const params = new URLSearchParams("from=2027-01-04&weeks=4&department=2");
    const off = withIncludeTentative(params, false);
    expect(off.toString()).toBe("from=2027-01-04&weeks=4&department=2&tentative=0");
    expect(withIncludeTentative(off, true).toString()).toBe("from=2027-01-04&weeks=4&department=2");
    expect(params.toString()).toBe("from=2027-01-04&weeks=4&department=2"); // not changed
    expect(withIncludeTentative(off, false).toString()).toBe(off.toString());
  });
});

describe("tentative hours drawn apart", () => {
  it("adds the tentative class only when a week holds tentative hours", () => {
    expect(withTentative("cell near", 10)).toBe("cell near tentative");
    expect(withTentative("cell over leave", 0.25)).toBe("cell over leave tentative");
    expect(withTentative("cell near", 0)).toBe("cell near");
  });

  it("says the split in the tooltip, in whole cents", () => {
    expect(tentativeNote(30, 10)).toBe("20h confirmed, 10h tentative");
    expect(tentativeNote(30.3, 10.1)).toBe("20.2h confirmed, 10.1h tentative"); // not 20.199999
    expect(tentativeNote(10, 10)).toBe("0h confirmed, 10h tentative");
    expect(tentativeNote(30, 0)).toBe("");
    expect(titleWithTentative("30h of 40h (75%), under capacity", 30, 10)).toBe(
      "30h of 40h (75%), under capacity\n20h confirmed, 10h tentative",
    );
    expect(titleWithTentative("20h of 40h (50%), under capacity", 20, 0)).toBe(
      "20h of 40h (50%), under capacity",
    );
  });
});

type R = { id: string; version: number; weeklyHours: Record<string, number>; owner: string; status: Status };
const W1 = "2027-01-04";
const W2 = "2027-01-11";
const rows: R[] = [
  { id: "1", version: 1, weeklyHours: { [W1]: 20, [W2]: 20 }, owner: "1", status: "CONFIRMED" },
  { id: "2", version: 1, weeklyHours: { [W1]: 10, [W2]: 30 }, owner: "1", status: "TENTATIVE" },
  { id: "3", version: 2, weeklyHours: { [W1]: 8.1 }, owner: "2", status: "TENTATIVE" },
  { id: "4", version: 1, weeklyHours: { [W2]: 16.2 }, owner: "2", status: "TENTATIVE" },
];

describe("totals by owner (people and placeholders)", () => {
  it("sums every row, edits included, every week", () => {
    expect(totals(rows, (r) => r.owner, {}, [W1, W2])).toEqual({
      "1": { [W1]: 30, [W2]: 50 },
      "2": { [W1]: 8.1, [W2]: 16.2 },
    });
    expect(totals(rows, (r) => r.owner, { "2": { [W1]: 0 }, "3": { [W2]: 0.2 } }, [W1, W2])).toEqual({
      "1": { [W1]: 20, [W2]: 50 },
      "2": { [W1]: 8.1, [W2]: 16.4 }, // 16.2 + 0.2 in cents, not 16.399999999999999
    });
  });

  it("takes only tentative rows for the tentative share", () => {
    expect(tentativeTotals(rows, (r) => r.owner, {}, [W1, W2])).toEqual({
      "1": { [W1]: 10, [W2]: 30 },
      "2": { [W1]: 8.1, [W2]: 16.2 },
    });
    expect(tentativeTotals(rows.slice(0, 1), (r) => r.owner, {}, [W1])).toEqual({});
  });
});

const ada: Candidate = {
  person: { id: "1", name: "Ada" },
  score: 87.5,
  availabilityPercent: 75,
  availableHours: 30,
  demandHours: 20.5,
  matchedSkills: ["Python"],
  missingSkills: [],
};

describe("candidates and the fill", () => {
  it("says what the candidate can take of the demand", () => {
    expect(availabilityLabel(ada)).toBe("30h free of 20.5h needed (75%)");
    expect(coversDemand(ada)).toBe(true);
    expect(coversDemand({ ...ada, availableHours: 20.25 })).toBe(false);
    expect(coversDemand({ ...ada, availableHours: 20.5 })).toBe(true);
  });

  it("blocks a fill without a session, during a save or fill, or over unsaved edits of the row", () => {
    const ok = { authenticated: true, busy: false };
    expect(fillBlocked("11", {}, ok)).toBe(null);
    expect(fillBlocked("11", { "10": { [W1]: 4 } }, ok)).toBe(null); // another row's edits
    expect(fillBlocked("11", { "11": { [W1]: 4 } }, ok)).toBe(
      "This row has unsaved edits: save or discard them before filling it",
    );
    expect(fillBlocked("11", {}, { authenticated: true, busy: true })).toBe("A save or a fill is under way");
    expect(fillBlocked("11", {}, { authenticated: false, busy: false })).toBe("Sign in to fill a placeholder");
  });

  it("tells what the fill did and what is left", () => {
    expect(
      fillNotice("Ada", "Senior Python developer", "Beacon", { remainingHours: 0, overbookedWeeks: [] }),
    ).toBe("Filled Senior Python developer on Beacon with Ada. Nothing left on the placeholder.");
    expect(fillNotice("Ada", "Designer to hire", "Atlas", { remainingHours: 12.5, overbookedWeeks: [] })).toBe(
      "Filled Designer to hire on Atlas with Ada. 12.5h left on the placeholder.",
    );
  });

  it("lists the overbooked weeks in week order", () => {
    expect(
      overbookedLabels([
        { week: "2027-01-18", hours: 40.5, capacity: 40 },
        { week: "2027-01-11", hours: 60, capacity: 40 },
      ]),
    ).toEqual(["11 Jan: 60h of 40h", "18 Jan: 40.5h of 40h"]);
    expect(overbookedLabels([])).toEqual([]);
  });
});

describe("the role-capacity chart's unstaffed series", () => {
  const series = { assigned: [30, 70.1, 10], capacity: [80, 80, 80], unstaffed: [28, 34.2, 10.5] };

  it("stacks unstaffed on assigned, week by week", () => {
    expect(rolePoints([W1, W2, "2027-01-18"], series)).toEqual([
      { week: W1, assigned: 30, unstaffed: 28, capacity: 80, demand: 58 },
      { week: W2, assigned: 70.1, unstaffed: 34.2, capacity: 80, demand: 104.3 },
      { week: "2027-01-18", assigned: 10, unstaffed: 10.5, capacity: 80, demand: 20.5 },
    ]);
    // a report without an unstaffed value for a week draws 0 there
    expect(rolePoints([W1], { assigned: [5], capacity: [40], unstaffed: [] })).toEqual([
      { week: W1, assigned: 5, unstaffed: 0, capacity: 40, demand: 5 },
    ]);
  });

  it("sums each series over the window in whole cents", () => {
    expect(roleTotals(series)).toEqual({ assigned: 110.1, unstaffed: 72.7, capacity: 240 });
    expect(roleTotals({ assigned: [], capacity: [], unstaffed: [] })).toEqual({
      assigned: 0,
      unstaffed: 0,
      capacity: 0,
    });
  });
});
