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

/** Hours per week, keyed by the week's Monday, as the API sends them (`capacityByWeek`,
 * `timeOffByWeek`, `holidayByWeek`). */
export type WeekHours = Record<string, number>;

/** A person's capacity in a week, as the API computed it day by day (schedule, hire and end
 * dates, holidays, time off): the screens never recompute it. A week the map leaves out has
 * no capacity. */
export function weekCapacity(capacityByWeek: WeekHours, week: string): number {
  return capacityByWeek[week] ?? 0;
}

/** The hours a week lost to leave: time off plus scheduled hours on holidays. */
export function leaveHours(
  week: string,
  timeOffByWeek: WeekHours,
  holidayByWeek: WeekHours,
): number {
  // in cents: the API rounds each map to 0.01, their sum must not grow float noise
  return (Math.round((timeOffByWeek[week] ?? 0) * 100) + Math.round((holidayByWeek[week] ?? 0) * 100)) / 100;
}

/** How a cell is marked: its band, and "leave" when time off or a holiday took hours from
 * the week. A week over capacity with leave in it ("cell over leave") is drawn over and
 * hatched: the leave is part of why it is over. */
export function cellClass(load: WeekLoad, leave: number): string {
  return leave > 0 ? `cell ${load.band} leave` : `cell ${load.band}`;
}

/** Why a week has no capacity at all, when the person is not employed in it. */
export type NotEmployed = "beforeHire" | "afterEnd" | null;

/** A week before the hire week (the Monday the API sends as `firstEligibleWeek`), or one
 * that starts after the end date. */
export function notEmployed(
  week: string,
  firstEligibleWeek: string | null | undefined,
  endDate: string | null | undefined,
): NotEmployed {
  if (firstEligibleWeek && week < firstEligibleWeek) return "beforeHire";
  if (endDate && week > endDate) return "afterEnd";
  return null;
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

/** A cell's tooltip: "16h of 0h, over capacity (before the hire date)", and the leave in
 * the week, "20h of 0h, over capacity (40h of leave)", then one line per absence. */
export function loadTitle(
  load: WeekLoad,
  why: NotEmployed,
  leave = 0,
  absences: readonly string[] = [],
): string {
  const percent = load.percent === null ? "" : ` (${load.percent}%)`;
  const reason = why
    ? ` (${NOT_EMPLOYED[why]})`
    : leave > 0
      ? ` (${formatHours(leave)}h of leave)`
      : "";
  const head = `${formatHours(load.hours)}h of ${formatHours(load.capacity)}h${percent}, ${BAND_LABEL[load.band]}${reason}`;
  return [head, ...absences].join("\n");
}

const NOT_EMPLOYED = { beforeHire: "before the hire date", afterEnd: "after the end date" };

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
