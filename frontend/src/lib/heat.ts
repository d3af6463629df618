// Heatmap colours: how loaded a person is in a week, relative to their capacity.

export type Load = "none" | "under" | "near" | "over" | "nocapacity";

/** Bands: under 80% of capacity, near (80-100% inclusive), over (above 100%). A person with
 * capacity 0 has no percentage (the API sends null). */
export const NEAR_FROM = 80;

export function loadBand(percent: number | null | undefined, hours: number): Load {
  if (percent === null || percent === undefined) return hours > 0 ? "over" : "nocapacity";
  if (hours === 0) return "none";
  if (percent > 100) return "over";
  if (percent >= NEAR_FROM) return "near";
  return "under";
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
