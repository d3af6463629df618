import { describe, expect, it } from "vitest";

import {
  applySaved,
  BEFORE_HIRE,
  beforeHire,
  bulkItems,
  cellEditable,
  editStatus,
  parseCell,
  DRAFTS_KEY,
  editCount,
  hoursAt,
  loadDrafts,
  parseHours,
  personTotals,
  pruneDrafts,
  setCell,
  storeDrafts,
  type GridRow,
} from "./gridEdits";

const a: GridRow = { id: "7", version: 3, weeklyHours: { "2026-11-23": 16, "2026-11-30": 8 } };
const b: GridRow = { id: "9", version: 1, weeklyHours: {} };

describe("parseHours", () => {
  it("reads numbers, commas and blanks", () => {
    expect(parseHours("7.5")).toEqual({ hours: 7.5 });
    expect(parseHours(" 7,25 ")).toEqual({ hours: 7.25 });
    expect(parseHours("")).toEqual({ hours: 0 });
    expect(parseHours("168")).toEqual({ hours: 168 });
  });
  it("refuses what the API would refuse", () => {
    expect(parseHours("168.5")).toEqual({ error: "At most 168 hours in a week" });
    expect(parseHours("-1")).toEqual({ error: "Hours are a number, like 8 or 7.5" });
    expect(parseHours("8h")).toEqual({ error: "Hours are a number, like 8 or 7.5" });
  });
});

describe("edits", () => {
  it("keeps only cells that differ from the saved hours", () => {
    let drafts = setCell({}, a, "2026-11-23", 20);
    drafts = setCell(drafts, b, "2026-12-07", 4);
    expect(drafts).toEqual({ "7": { "2026-11-23": 20 }, "9": { "2026-12-07": 4 } });
    expect(editCount(drafts)).toBe(2);
    expect(hoursAt(a, drafts, "2026-11-23")).toBe(20);
    expect(hoursAt(a, drafts, "2026-11-30")).toBe(8);
    // typing the saved value back removes the edit, and the assignment when it was its last
    expect(setCell(drafts, a, "2026-11-23", 16)).toEqual({ "9": { "2026-12-07": 4 } });
  });

  it("sends one MERGE item per assignment against the version shown", () => {
    const drafts = setCell(setCell({}, a, "2026-11-23", 0), a, "2026-12-07", 12);
    expect(bulkItems(drafts, [a, b])).toEqual([
      {
        assignmentId: "7",
        expectedVersion: 3,
        weeklyHours: { "2026-11-23": 0, "2026-12-07": 12 },
        mode: "MERGE",
      },
    ]);
  });

  it("takes the saved answer and forgets only the saved edits", () => {
    const drafts = setCell(setCell({}, a, "2026-11-23", 20), b, "2026-11-23", 5);
    const saved = { id: "7", version: 4, weeklyHours: { "2026-11-23": 20, "2026-11-30": 8 } };
    const next = applySaved([a, b], drafts, [saved]);
    expect(next.drafts).toEqual({ "9": { "2026-11-23": 5 } });
    expect(next.rows[0]).toEqual(saved);
    expect(next.rows[1]).toBe(b);
  });

  it("keeps edits over a reload unless they now equal the saved hours", () => {
    const drafts = setCell(setCell({}, a, "2026-11-23", 20), a, "2026-11-30", 10);
    const reloaded = { ...a, version: 5, weeklyHours: { "2026-11-23": 20, "2026-11-30": 6 } };
    expect(pruneDrafts(drafts, [reloaded])).toEqual({ "7": { "2026-11-30": 10 } });
  });

  it("totals a person's hours with edits", () => {
    const rows = [
      { ...a, personId: "1" },
      { ...b, personId: "1" },
    ];
    const drafts = setCell({}, b, "2026-11-23", 4.5);
    expect(personTotals(rows, drafts, ["2026-11-23", "2026-11-30"])).toEqual({
      "1": { "2026-11-23": 20.5, "2026-11-30": 8 },
    });
  });
});

describe("stored edits", () => {
  const memory = () => {
    const items = new Map<string, string>();
    return {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
      items,
    };
  };

  it("round-trips and forgets an empty set", () => {
    const storage = memory();
    const drafts = setCell({}, a, "2026-11-23", 20);
    storeDrafts(storage, drafts);
    expect(loadDrafts(storage)).toEqual(drafts);
    storeDrafts(storage, {});
    expect(storage.items.size).toBe(0);
    expect(loadDrafts(storage)).toEqual({});
  });

  it("ignores what it did not write", () => {
    const storage = memory();
    storage.setItem(DRAFTS_KEY, "not json");
    expect(loadDrafts(storage)).toEqual({});
    storage.setItem(DRAFTS_KEY, JSON.stringify({ "7": { "2026-11-23": -1, x: 3, "2026-11-30": 4 } }));
    expect(loadDrafts(storage)).toEqual({ "7": { "2026-11-30": 4 } });
  });
});

describe("cells before the hire week", () => {
  const hired = "2026-11-30";
  const planned: GridRow = { id: "100", version: 1, weeklyHours: { "2026-11-16": 4 } };

  it("are editable while they hold hours, so they can be cleared, and locked when empty", () => {
    expect(beforeHire("2026-11-23", hired)).toBe(true);
    expect(beforeHire("2026-11-30", hired)).toBe(false);
    expect(beforeHire("2020-01-06", null)).toBe(false);
    expect(cellEditable(planned, {}, "2026-11-16", hired)).toBe(true);
    expect(cellEditable(planned, {}, "2026-11-23", hired)).toBe(false);
    expect(cellEditable(planned, {}, "2026-11-30", hired)).toBe(true);
    // cleared but not saved yet: still editable, so the edit can be taken back
    const cleared = setCell({}, planned, "2026-11-16", 0);
    expect(cleared).toEqual({ "100": { "2026-11-16": 0 } });
    expect(cellEditable(planned, cleared, "2026-11-16", hired)).toBe(true);
  });

  it("accept only clearing (or the saved hours unchanged)", () => {
    const cell = { beforeHire: true, saved: 4 };
    expect(parseCell("", cell)).toEqual({ hours: 0 });
    expect(parseCell("0", cell)).toEqual({ hours: 0 });
    expect(parseCell("4", cell)).toEqual({ hours: 4 });
    expect(parseCell("8", cell)).toEqual({ error: BEFORE_HIRE });
    expect(parseCell("lots", cell)).toEqual({ error: "Hours are a number, like 8 or 7.5" });
    expect(parseCell("8", { beforeHire: false, saved: 4 })).toEqual({ hours: 8 });
  });
});

describe("editStatus", () => {
  it("counts edits and invalid cells and says why Save is disabled", () => {
    expect(editStatus(0, [])).toEqual({ text: "No unsaved changes", blocked: null });
    expect(editStatus(2, [])).toEqual({ text: "2 unsaved changes", blocked: null });
    expect(editStatus(0, ["Hours are a number, like 8 or 7.5"])).toEqual({
      text: "No unsaved changes, 1 invalid cell",
      blocked:
        "Save is disabled until the invalid cell is corrected (Hours are a number, like 8 or 7.5). Esc in a cell, or Discard, undoes it.",
    });
    const two = editStatus(1, [BEFORE_HIRE, "At most 168 hours in a week", BEFORE_HIRE]);
    expect(two.text).toBe("1 unsaved change, 3 invalid cells");
    expect(two.blocked).toBe(
      `Save is disabled until the invalid cells are corrected (${BEFORE_HIRE}; At most 168 hours in a week). Esc in a cell, or Discard, undoes it.`,
    );
  });
});
