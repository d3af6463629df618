// The person panel's time-off form: what was typed, checked and turned into the mutations'
// inputs here (pure, unit-tested); the API checks the rest (dates in order, 0..24 hours)
// and the panel shows its answer.
import { addDays } from "./weeks";

export type TimeOffKind = "VACATION" | "SICK" | "PARENTAL" | "OTHER";
export const TIME_OFF_KINDS: readonly TimeOffKind[] = ["VACATION", "SICK", "PARENTAL", "OTHER"];

export type TimeOffEntry = {
  id: string;
  startDate: string;
  endDate: string;
  hoursPerDay?: number | null;
  kind: TimeOffKind;
  note: string;
};

/** The form as typed: dates as the date inputs give them, hours as text ("" = whole days). */
export type TimeOffDraft = {
  startDate: string;
  endDate: string;
  hoursPerDay: string;
  kind: TimeOffKind;
  note: string;
};

export type TimeOffFields = {
  startDate: string;
  endDate: string;
  hoursPerDay: number | null;
  kind: TimeOffKind;
  note: string;
};

/** A new entry: the working week (Monday to Friday) of `monday`, whole days of vacation. */
export function newDraft(monday: string): TimeOffDraft {
  return { startDate: monday, endDate: addDays(monday, 4), hoursPerDay: "", kind: "VACATION", note: "" };
}

export function draftOf(entry: TimeOffEntry): TimeOffDraft {
  return {
    startDate: entry.startDate,
    endDate: entry.endDate,
    hoursPerDay: entry.hoursPerDay == null ? "" : String(entry.hoursPerDay),
    kind: entry.kind,
    note: entry.note,
  };
}

/** The fields both mutations take, or what is wrong and in which field (named as the API
 * names its input fields, so one error display serves both). Every field is sent, also on
 * a change: hoursPerDay null turns an entry back into whole days. */
export function fieldsOf(
  draft: TimeOffDraft,
): { fields: TimeOffFields } | { error: string; field: keyof TimeOffDraft } {
  if (!isDate(draft.startDate)) return { error: "Choose the first day off", field: "startDate" };
  if (!isDate(draft.endDate)) return { error: "Choose the last day off", field: "endDate" };
  const typed = draft.hoursPerDay.trim().replace(",", ".");
  if (typed !== "" && !/^\d+(\.\d+)?$/.test(typed)) {
    return { error: "Hours a day are a number, like 4 or 7.5 (empty: whole days)", field: "hoursPerDay" };
  }
  return {
    fields: {
      startDate: draft.startDate,
      endDate: draft.endDate,
      hoursPerDay: typed === "" ? null : Number(typed),
      kind: draft.kind,
      note: draft.note.trim(),
    },
  };
}

function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value);
}

/** The days the panel lists: the screen's weeks, from the first Monday to the last Sunday. */
export function windowOf(weeks: readonly string[]): { from: string; to: string } | null {
  if (weeks.length === 0) return null;
  return { from: weeks[0]!, to: addDays(weeks[weeks.length - 1]!, 6) };
}
