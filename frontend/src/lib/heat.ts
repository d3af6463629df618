// How loaded a person is in a week, relative to their capacity: the one rule every screen
// (heatmap cells, grid totals, Peak and Avg) draws with, so they can never disagree.

export type Load = "none" | "under" | "near" | "over" | "nocapacity";

/** Bands: under 80% of capacity, near (80-100% inclusive), over (above 100%). */
export const NEAR_FROM = 80;

export type WeekLoad = {
  hours: number;
  capacity: number;
  /** round(100 * hours / capacity, 1), half away from zero; null when capacity is 0. */
  percent: number | null;
  band: Load;
};

/** One week of one person. A week with hours and zero capacity (before the hire date, or a
 * person with no weekly capacity) is over capacity, as the API defines it; without hours it
 * is simply a week with no capacity. */
export function weekLoad(hours: number, capacity: number): WeekLoad {
  if (capacity <= 0) {
    return { hours, capacity: 0, percent: null, band: hours > 0 ? "over" : "nocapacity" };
  }
  const percent = percentOf(hours, capacity);
  return { hours, capacity, percent, band: bandOf(hours, percent) };
}

function bandOf(hours: number, percent: number): Load {
  if (hours === 0) return "none";
  if (percent > 100) return "over";
  if (percent >= NEAR_FROM) return "near";
  return "under";
}

/** 100 * hours / capacity rounded to 0.1, half away from zero, computed in integer cents so
 * that 1.25 -> 1.3 as the API rounds (never binary-float half-to-even surprises). */
export function percentOf(hours: number, capacity: number): number {
  const h = Math.round(hours * 100);
  const c = Math.round(capacity * 100);
  return Math.floor((2000 * h + c) / (2 * c)) / 10;
}

/** A person's capacity in a week: their weekly capacity from the week of their hire date on
 * (the Monday the API sends as `firstEligibleWeek`), 0 before it. */
export function weekCapacity(
  weeklyCapacity: number,
  firstEligibleWeek: string | null | undefined,
  week: string,
): number {
  return firstEligibleWeek && week < firstEligibleWeek ? 0 : weeklyCapacity;
}

export type Summary = {
  /** The week drawn as the most loaded: any week over with no capacity outranks every
   * percentage; otherwise the highest percentage. Null when no week has hours or capacity. */
  peak: WeekLoad | null;
  /** 100 * all hours / all capacity over the window, rounded to 0.1; null when there is no
   * capacity at all (then `band` alone says over or nothing). */
  average: number | null;
  averageBand: Load;
};

export function summarise(loads: readonly WeekLoad[]): Summary {
  let peak: WeekLoad | null = null;
  let hours = 0;
  let capacity = 0;
  for (const load of loads) {
    hours += load.hours;
    capacity += load.capacity;
    if (load.band === "nocapacity") continue;
    if (peak === null || rank(load) > rank(peak)) peak = load;
  }
  const average = capacity > 0 ? percentOf(hours, capacity) : null;
  return { peak, average, averageBand: weekLoad(hours, capacity).band };
}

function rank(load: WeekLoad): number {
  return load.percent === null ? Number.POSITIVE_INFINITY : load.percent;
}

/** What a Peak or Avg cell says: "81.3%", "over" for hours with no capacity, "–" for none. */
export function percentLabel(percent: number | null, band: Load): string {
  if (percent !== null) return `${percent}%`;
  return band === "over" ? "over" : "–";
}

/** A cell's tooltip: "16h of 0h, over capacity (before the hire date)". */
export function loadTitle(load: WeekLoad, beforeHire: boolean): string {
  const percent = load.percent === null ? "" : ` (${load.percent}%)`;
  const why = beforeHire ? " (before the hire date)" : "";
  return `${formatHours(load.hours)}h of ${formatHours(load.capacity)}h${percent}, ${BAND_LABEL[load.band]}${why}`;
}

export const BAND_LABEL: Record<Load, string> = {
  none: "free",
  under: "under capacity",
  near: "near capacity",
  over: "over capacity",
  nocapacity: "no capacity",
};

export function formatHours(hours: number): string {
  return Number.isInteger(hours) ? String(hours) : hours.toFixed(2).replace(/0$/, "");
}
