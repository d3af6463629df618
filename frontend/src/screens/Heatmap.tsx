import { useQuery } from "urql";

import { DepartmentFilter, useWindow, WindowFilter } from "../components/Filters";
import { ErrorBanner, Loading } from "../components/Status";
import { graphql } from "../gql";
import { BAND_LABEL, formatHours, loadBand } from "../lib/heat";
import { shortWeek } from "../lib/weeks";

const HeatmapScreen = graphql(`
  query Heatmap_Screen($from: Date, $weeks: Int!, $department: ID, $includeChildren: Boolean!) {
    departments {
      id
      name
      parent {
        id
      }
    }
    capacityHeatmap(
      from: $from
      weeks: $weeks
      department: $department
      includeChildren: $includeChildren
    ) {
      weekKeys
      rows {
        person {
          id
          name
        }
        weeklyCapacity
        hoursByWeek
        percentByWeek
        peakPercent
        averagePercent
      }
    }
  }
`);

export function Heatmap() {
  const [window, setWindow] = useWindow(12);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: HeatmapScreen,
    variables: window,
  });
  const heatmap = data?.capacityHeatmap;

  return (
    <section>
      <h1>Capacity heatmap</h1>
      <div className="toolbar">
        <DepartmentFilter departments={data?.departments ?? []} value={window} onChange={setWindow} />
        <WindowFilter value={window} onChange={setWindow} />
      </div>
      <p className="legend">
        {(["under", "near", "over", "nocapacity"] as const).map((band) => (
          <span key={band} className={`swatch ${band}`}>
            {BAND_LABEL[band]}
          </span>
        ))}
      </p>
      {error ? <ErrorBanner error={error} retry={() => refetch()} /> : null}
      {fetching && !heatmap ? <Loading what="the heatmap" /> : null}
      {heatmap ? (
        <div className="scroll">
          <table className="heatmap" aria-busy={fetching}>
            <thead>
              <tr>
                <th className="name">Person</th>
                <th>Capacity</th>
                {heatmap.weekKeys.map((w) => (
                  <th key={w} title={w}>
                    {shortWeek(w)}
                  </th>
                ))}
                <th>Peak</th>
              </tr>
            </thead>
            <tbody>
              {heatmap.rows.map((row) => (
                <tr key={row.person.id}>
                  <th className="name">{row.person.name}</th>
                  <td className="num">{formatHours(row.weeklyCapacity)}h</td>
                  {heatmap.weekKeys.map((w) => {
                    const hours = row.hoursByWeek[w] ?? 0;
                    const percent = (row.percentByWeek as Record<string, number | null>)[w];
                    const band = loadBand(percent, hours);
                    return (
                      <td
                        key={w}
                        className={`cell ${band}`}
                        data-testid={`heat-${row.person.id}-${w}`}
                        title={`${row.person.name}, week of ${w}: ${formatHours(hours)}h of ${formatHours(row.weeklyCapacity)}h${percent == null ? "" : ` (${percent}%)`}, ${BAND_LABEL[band]}`}
                      >
                        {formatHours(hours)}
                      </td>
                    );
                  })}
                  <td className="num">{row.peakPercent == null ? "–" : `${row.peakPercent}%`}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {heatmap.rows.length === 0 ? <p className="empty">Nobody in this department.</p> : null}
        </div>
      ) : null}
    </section>
  );
}
