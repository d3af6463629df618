// Demand planning on the screens: placeholders (unstaffed demand) as grid rows, their ranked
// candidates and the fill, tentative hours drawn apart from confirmed ones, the "include
// tentative" toggle, and the role-capacity chart's unstaffed series. Pure functions, so the
// rules are unit-tested.

import { hoursAt, type Drafts, type GridRow, type Hours } from "./gridEdits";
import { formatHours } from "./heat";
import { shortWeek } from "./weeks";

export type Status = "CONFIRMED" | "TENTATIVE";

// --- the "include tentative" toggle, kept in the URL ---------------------------------------

/** The URL parameter: absent (the API's default, tentative hours count) or "0". */
export const TENTATIVE_PARAM = "tentative";

export function includeTentativeOf(params: Pick<URLSearchParams, "get">): boolean {
  return params.get(TENTATIVE_PARAM) !== "0";
}

/** The parameters with the toggle set; every other parameter is kept as it was. */
export function withIncludeTentative(params: URLSearchParams, include: boolean): URLSearchParams {
  const next = new URLSearchParams(params);
  if (include) next.delete(TENTATIVE_PARAM);
  else next.set(TENTATIVE_PARAM, "0");
  return next;
}

// --- tentative hours, drawn apart ------------------------------------------------------------

/** Adds to the hours of whole cents, so that sums never grow float noise (10.1 + 20.2). */
function add(a: number, b: number): number {
  return (Math.round(a * 100) + Math.round(b * 100)) / 100;
}

/** A heatmap or total cell's class: its band's, plus "tentative" when tentative hours are in
 * it (drawn dashed, over the band's colour). */
export function withTentative(className: string, tentative: number): string {
  return tentative > 0 ? `${className} tentative` : className;
}

/** A tooltip's line about the tentative share of a week's hours ("" when there is none). */
export function tentativeNote(hours: number, tentative: number): string {
  if (tentative <= 0) return "";
  const confirmed = add(hours, -tentative);
  return `${formatHours(confirmed)}h confirmed, ${formatHours(tentative)}h tentative`;
}

/** Appends the tentative note to a tooltip, on a line of its own. */
export function titleWithTentative(title: string, hours: number, tentative: number): string {
  const note = tentativeNote(hours, tentative);
  return note ? `${title}\n${note}` : title;
}

/** Tentative hours per owner (person or placeholder) and week, edits included: the share of
 * the grid's totals that is tentative. */
export function tentativeTotals<R extends GridRow & { status: Status }>(
  rows: readonly R[],
  ownerOf: (row: R) => string,
  drafts: Drafts,
  weeks: readonly string[],
): Record<string, Hours> {
  return totals(
    rows.filter((r) => r.status === "TENTATIVE"),
    ownerOf,
    drafts,
    weeks,
  );
}

/** Planned hours per owner (person or placeholder) and week, edits included. */
export function totals<R extends GridRow>(
  rows: readonly R[],
  ownerOf: (row: R) => string,
  drafts: Drafts,
  weeks: readonly string[],
): Record<string, Hours> {
  const result: Record<string, Hours> = {};
  for (const row of rows) {
    const t = (result[ownerOf(row)] ??= {});
    for (const week of weeks) t[week] = add(t[week] ?? 0, hoursAt(row, drafts, week));
  }
  return result;
}

// --- candidates and the fill -----------------------------------------------------------------

export type Candidate = {
  person: { id: string; name: string };
  score: number;
  availabilityPercent: number;
  availableHours: number;
  demandHours: number;
  matchedSkills: readonly string[];
  missingSkills: readonly string[];
};

/** "48h free of 44.5h needed (100%)": what the candidate can take of the demand. */
export function availabilityLabel(c: Candidate): string {
  return `${formatHours(c.availableHours)}h free of ${formatHours(c.demandHours)}h needed (${c.availabilityPercent}%)`;
}

/** A candidate can take all of the demand in its weeks (summed over them). */
export function coversDemand(c: Candidate): boolean {
  return c.availableHours >= c.demandHours;
}

/** Why a placeholder assignment cannot be filled now; null when it can. Its unsaved edits
 * would be lost to the move (the fill moves the saved hours), so they are saved or
 * discarded first. */
export function fillBlocked(
  assignmentId: string,
  drafts: Drafts,
  state: { authenticated: boolean; busy: boolean },
): string | null {
  if (!state.authenticated) return "Sign in to fill a placeholder";
  if (state.busy) return "A save or a fill is under way";
  if (drafts[assignmentId] && Object.keys(drafts[assignmentId]).length > 0) {
    return "This row has unsaved edits: save or discard them before filling it";
  }
  return null;
}

export type Overbooked = { week: string; hours: number; capacity: number };

export type FillAnswer = {
  remainingHours: number;
  overbookedWeeks: readonly Overbooked[];
};

/** The notice after a fill: who now holds the hours, what is left on the placeholder. */
export function fillNotice(person: string, placeholder: string, project: string, answer: FillAnswer): string {
  const left =
    answer.remainingHours > 0
      ? `${formatHours(answer.remainingHours)}h left on the placeholder.`
      : "Nothing left on the placeholder.";
  return `Filled ${placeholder} on ${project} with ${person}. ${left}`;
}

/** The overbooked weeks after a fill, as the payload lists them: "11 Jan: 60h of 40h". */
export function overbookedLabels(weeks: readonly Overbooked[]): string[] {
  return [...weeks]
    .sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : 0))
    .map((w) => `${shortWeek(w.week)}: ${formatHours(w.hours)}h of ${formatHours(w.capacity)}h`);
}

// --- role capacity: the unstaffed series ------------------------------------------------------

export type RoleSeries = {
  assigned: readonly number[];
  capacity: readonly number[];
  unstaffed: readonly number[];
};

export type RolePoint = {
  week: string;
  assigned: number;
  unstaffed: number;
  capacity: number;
  /** Assigned plus unstaffed: the demand on the role, the stacked bar's top. */
  demand: number;
};

/** The chart's points, one per week: assigned and unstaffed hours stacked, capacity a line. */
export function rolePoints(weekKeys: readonly string[], s: RoleSeries): RolePoint[] {
  return weekKeys.map((week, i) => {
    const assigned = s.assigned[i] ?? 0;
    const unstaffed = s.unstaffed[i] ?? 0;
    return { week, assigned, unstaffed, capacity: s.capacity[i] ?? 0, demand: add(assigned, unstaffed) };
  });
}

/** The series summed over the window, in whole cents. */
export function roleTotals(s: RoleSeries): { assigned: number; unstaffed: number; capacity: number } {
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => add(a, b), 0);
  return { assigned: sum(s.assigned), unstaffed: sum(s.unstaffed), capacity: sum(s.capacity) };
}
