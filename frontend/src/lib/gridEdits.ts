// The assignment grid's unsaved edits: pure functions, so the rules are unit-tested.
//
// Edits are kept apart from the server's snapshot, keyed by assignment and week. Saving sends
// one bulkUpdateAssignmentHours with a MERGE item per edited assignment and the version the
// edit was made against; a CONFLICT names the assignments changed elsewhere, and reloading the
// snapshot keeps every edit (the user decides, row by row).

export type Hours = Record<string, number>; // week (Monday) -> hours
export type Drafts = Record<string, Hours>; // assignment id -> edited weeks

export type GridRow = { id: string; version: number; weeklyHours: Hours };

export type BulkItem = {
  assignmentId: string;
  expectedVersion: number;
  weeklyHours: Hours;
  mode: "MERGE";
};

export const MAX_HOURS = 168;

/** Parses what was typed in a cell: "" is 0, hours are 0..168 in quarter hours at most. */
export function parseHours(text: string): { hours: number } | { error: string } {
  const trimmed = text.trim().replace(",", ".");
  if (trimmed === "") return { hours: 0 };
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return { error: "Hours are a number, like 8 or 7.5" };
  const hours = Number(trimmed);
  if (hours > MAX_HOURS) return { error: `At most ${MAX_HOURS} hours in a week` };
  return { hours: Math.round(hours * 100) / 100 };
}

/** A week before the person's hire week (the Monday the API sends as `firstEligibleWeek`). */
export function beforeHire(week: string, firstEligibleWeek: string | null | undefined): boolean {
  return !!firstEligibleWeek && week < firstEligibleWeek;
}

/** A cell before the hire week can only be cleared (the API refuses new hours there): it is
 * editable while it holds hours, saved or edited, and locked once empty. */
export function cellEditable(
  row: GridRow,
  drafts: Drafts,
  week: string,
  firstEligibleWeek: string | null | undefined,
): boolean {
  if (!beforeHire(week, firstEligibleWeek)) return true;
  return (row.weeklyHours[week] ?? 0) > 0 || drafts[row.id]?.[week] !== undefined;
}

export const BEFORE_HIRE = "Before the hire date: these hours can only be cleared";

/** What was typed in a cell, for that cell: before the hire week only 0 (or the saved hours,
 * unchanged) is accepted. */
export function parseCell(
  text: string,
  cell: { beforeHire: boolean; saved: number },
): { hours: number } | { error: string } {
  const parsed = parseHours(text);
  if ("hours" in parsed && cell.beforeHire && parsed.hours > 0 && parsed.hours !== cell.saved) {
    return { error: BEFORE_HIRE };
  }
  return parsed;
}

/** The grid's status line: unsaved edits and invalid cells, and why Save is off. */
export function editStatus(pending: number, invalid: readonly string[]): {
  text: string;
  blocked: string | null;
} {
  const edits = pending ? `${pending} unsaved change${pending === 1 ? "" : "s"}` : "No unsaved changes";
  if (invalid.length === 0) return { text: edits, blocked: null };
  const cells = `${invalid.length} invalid cell${invalid.length === 1 ? "" : "s"}`;
  const reasons = [...new Set(invalid)].join("; ");
  return {
    text: `${edits}, ${cells}`,
    blocked: `Save is disabled until ${invalid.length === 1 ? "the invalid cell is" : "the invalid cells are"} corrected (${reasons}). Esc in a cell, or Discard, undoes it.`,
  };
}

export function hoursAt(row: GridRow, drafts: Drafts, week: string): number {
  return drafts[row.id]?.[week] ?? row.weeklyHours[week] ?? 0;
}

/** Sets one cell; an edit back to the saved value is no edit at all. */
export function setCell(drafts: Drafts, row: GridRow, week: string, hours: number): Drafts {
  const saved = row.weeklyHours[week] ?? 0;
  const weeks = { ...(drafts[row.id] ?? {}) };
  if (hours === saved) delete weeks[week];
  else weeks[week] = hours;
  const next = { ...drafts };
  if (Object.keys(weeks).length === 0) delete next[row.id];
  else next[row.id] = weeks;
  return next;
}

export function editCount(drafts: Drafts): number {
  return Object.values(drafts).reduce((n, weeks) => n + Object.keys(weeks).length, 0);
}

/** One MERGE item per edited assignment, against the version the grid shows. */
export function bulkItems(drafts: Drafts, rows: readonly GridRow[]): BulkItem[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return Object.entries(drafts)
    .filter(([id]) => byId.has(id))
    .map(([id, weeks]) => ({
      assignmentId: id,
      expectedVersion: byId.get(id)!.version,
      weeklyHours: { ...weeks },
      mode: "MERGE" as const,
    }));
}

/** After a successful save: the saved assignments take the server's answer, and their
 * edits are gone. */
export function applySaved(
  rows: readonly GridRow[],
  drafts: Drafts,
  saved: readonly GridRow[],
): { rows: GridRow[]; drafts: Drafts } {
  const byId = new Map(saved.map((s) => [s.id, s]));
  const next = { ...drafts };
  for (const s of saved) delete next[s.id];
  return {
    rows: rows.map((r) => {
      const s = byId.get(r.id);
      return s ? { ...r, version: s.version, weeklyHours: { ...s.weeklyHours } } : r;
    }),
    drafts: next,
  };
}

/** Total planned hours per person and week, edits included. */
export function personTotals(
  rows: readonly (GridRow & { personId: string })[],
  drafts: Drafts,
  weeks: readonly string[],
): Record<string, Hours> {
  const totals: Record<string, Hours> = {};
  for (const row of rows) {
    const t = (totals[row.personId] ??= {});
    for (const week of weeks) t[week] = (t[week] ?? 0) + hoursAt(row, drafts, week);
  }
  return totals;
}

/** After a reload: edits that now equal the saved hours are dropped, the rest kept. */
export function pruneDrafts(drafts: Drafts, rows: readonly GridRow[]): Drafts {
  let next = drafts;
  for (const row of rows) {
    for (const [week, hours] of Object.entries(drafts[row.id] ?? {})) {
      if ((row.weeklyHours[week] ?? 0) === hours) next = setCell(next, row, week, hours);
    }
  }
  return next;
}

/** Unsaved edits survive a reload of the page or a sign-in after the session ended: they are
 * kept in the tab's sessionStorage (cleared on sign-out). */
export const DRAFTS_KEY = "capgraph.grid.drafts";

export function loadDrafts(storage: Pick<Storage, "getItem">): Drafts {
  try {
    const value: unknown = JSON.parse(storage.getItem(DRAFTS_KEY) ?? "{}");
    if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
    const drafts: Drafts = {};
    for (const [id, weeks] of Object.entries(value)) {
      if (typeof weeks !== "object" || weeks === null) continue;
      const kept = Object.entries(weeks).filter(
        ([week, h]) => /^\d{4}-\d{2}-\d{2}$/.test(week) && typeof h === "number" && h >= 0,
      );
      if (kept.length) drafts[id] = Object.fromEntries(kept) as Hours;
    }
    return drafts;
  } catch {
    return {};
  }
}

export function storeDrafts(storage: Pick<Storage, "setItem" | "removeItem">, drafts: Drafts) {
  if (editCount(drafts) === 0) storage.removeItem(DRAFTS_KEY);
  else storage.setItem(DRAFTS_KEY, JSON.stringify(drafts));
}
