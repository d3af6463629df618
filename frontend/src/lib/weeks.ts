// Weeks are named by their Monday, as ISO dates ("2026-11-23"), like the API does.

/** The Monday of the week that holds `date` (local calendar date, no time zone games). */
export function mondayOf(date: Date): string {
  const d = new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()));
  const shift = (d.getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  d.setUTCDate(d.getUTCDate() - shift);
  return d.toISOString().slice(0, 10);
}

/** Normalises any ISO date to its week's Monday; null when it is not a date. */
export function normaliseWeek(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return null;
  }
  const shift = (date.getUTCDay() + 6) % 7;
  date.setUTCDate(date.getUTCDate() - shift);
  return date.toISOString().slice(0, 10);
}

// Month names spelled out here, not by the browser's locale data: "Sep" everywhere (some
// engines say "Sept"), and screenshots and tests that do not depend on the ICU version.
export const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function parts(week: string): [number, string, number] {
  const [y, m, d] = week.split("-").map(Number) as [number, number, number];
  return [d, MONTHS[m - 1]!, y];
}

/** "2026-11-23" -> "23 Nov" for column headers. */
export function shortWeek(week: string): string {
  const [d, m] = parts(week);
  return `${d} ${m}`;
}

export const WEEK_CHOICES = [4, 8, 12, 26] as const;

/** "2026-11-02" -> "2 Nov 2026". */
export function dayLabel(day: string): string {
  const [d, m, y] = parts(day);
  return `${d} ${m} ${y}`;
}

/** "2026-11-30" -> "Week of 30 Nov 2026", what a week picker shows. */
export function weekLabel(week: string): string {
  return `Week of ${dayLabel(week)}`;
}

/** The Monday `weeks` weeks after (or before, when negative) the Monday `week`. */
export function addWeeks(week: string, weeks: number): string {
  const date = new Date(`${week}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 7 * weeks);
  return date.toISOString().slice(0, 10);
}

/** The ISO date `days` days after `day`. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
