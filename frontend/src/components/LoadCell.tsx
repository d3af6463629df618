import { BAND_LABEL, percentLabel, weekLoad } from "../lib/heat";

/** A person's load in one week, by the rule every screen draws with: hours with no capacity
 * (before a hire date) are over. */
export function LoadCell({ hours, capacity }: { hours: number; capacity: number }) {
  const load = weekLoad(hours, capacity);
  return (
    <td className={`num load ${load.band}`} title={BAND_LABEL[load.band]}>
      {percentLabel(load.percent, load.band)}
    </td>
  );
}
