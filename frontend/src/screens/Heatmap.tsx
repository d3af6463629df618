import { useMemo, useState } from "react";
import { useQuery } from "urql";

import {
  DepartmentFilter,
  isDepartmentError,
  StaleDepartment,
  TentativeToggle,
  useIncludeTentative,
  useStaleDepartment,
  useWindow,
  WindowFilter,
} from "../components/Filters";
import { PersonName, personDetail } from "../components/PersonName";
import { PersonPanel, type PanelPerson } from "../components/PersonPanel";
import { ErrorBanner, Loading } from "../components/Status";
import { graphql } from "../gql";
import { holidaysByCalendar, reasonsIn } from "../lib/absences";
import { titleWithTentative, withTentative } from "../lib/demand";
import {
  BAND_LABEL,
  cellClass,
  formatHours,
  leaveHours,
  loadTitle,
  notEmployed,
  percentLabel,
  summarise,
  weekCapacity,
  weekLoad,
} from "../lib/heat";
import { normaliseWeek, shortWeek } from "../lib/weeks";

const HeatmapScreen = graphql(`
  query Heatmap_Screen(
    $from: Date
    $weeks: Int!
    $department: ID
    $includeChildren: Boolean!
    $includeTentative: Boolean!
  ) {
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
      includeTentative: $includeTentative
    ) {
      weekKeys
      holidays {
        calendarId
        holidays {
          date
          name
        }
      }
      rows {
        person {
          id
          name
          email
          hireDate
          endDate
          role {
            name
          }
          department {
            name
          }
        }
        weeklyCapacity
        hoursByWeek
        tentativeByWeek
        capacityByWeek
        timeOffByWeek
        holidayByWeek
        absences {
          kind
          startDate
          endDate
          hoursPerDay
          name
        }
        holidayCalendarId
      }
    }
  }
`);

export function Heatmap() {
  const [window, setWindow] = useWindow(12);
  const [includeTentative, setIncludeTentative] = useIncludeTentative();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: HeatmapScreen,
    variables: { ...window, includeTentative },
  });
  const stale = useStaleDepartment(error, window, setWindow);
  const heatmap = data?.capacityHeatmap;
  const holidays = useMemo(() => holidaysByCalendar(heatmap?.holidays ?? []), [heatmap]);
  const [open, setOpen] = useState<PanelPerson | null>(null);

  return (
    <section>
      <h1>Capacity heatmap</h1>
      <div className="toolbar">
        <DepartmentFilter departments={data?.departments ?? []} value={window} onChange={setWindow} />
        <WindowFilter value={window} onChange={setWindow} />
        <TentativeToggle value={includeTentative} onChange={setIncludeTentative} />
      </div>
      <p className="legend">
        {(["under", "near", "over", "nocapacity"] as const).map((band) => (
          <span key={band} className={`swatch ${band}`}>
            {BAND_LABEL[band]}
          </span>
        ))}
        <span className="swatch leave">time off or holiday</span>
        <span className="swatch over leave">over, with leave</span>
        <span className="swatch tentative">with tentative hours (dashed)</span>
        <small>
          Capacity follows each person's schedule, holidays and time off. Hours in a week with
          no capacity (before a hire date, after an end date, all on leave) count as over.
        </small>
      </p>
      <StaleDepartment notice={stale} />
      {error && !isDepartmentError(error) ? <ErrorBanner error={error} retry={() => refetch()} /> : null}
      {fetching && !heatmap ? <Loading what="the heatmap" /> : null}
      {heatmap ? (
        <div className="scroll">
          <table className="heatmap" aria-busy={fetching}>
            <thead>
              <tr>
                <th className="name">Person</th>
                <th>Capacity</th>
                {heatmap.weekKeys.map((w) => (
                  <th key={w} title={`Week of ${w}`}>
                    {shortWeek(w)}
                  </th>
                ))}
                <th title="The most loaded week drawn">Peak</th>
                <th title="All hours over all capacity in these weeks">Avg</th>
              </tr>
            </thead>
            <tbody>
              {heatmap.rows.map((row) => {
                const person = row.person;
                const hired = person.hireDate ? normaliseWeek(person.hireDate) : null;
                const loads = heatmap.weekKeys.map((w) =>
                  weekLoad(row.hoursByWeek[w] ?? 0, weekCapacity(row.capacityByWeek, w)),
                );
                const { peak, average, averageBand } = summarise(loads);
                return (
                  <tr key={person.id}>
                    <th className="name">
                      <PersonName
                        name={person.name}
                        detail={personDetail(person.role?.name, person.department?.name)}
                        email={person.email}
                        onOpen={() => setOpen(person)}
                      />
                    </th>
                    <td className="num">{formatHours(row.weeklyCapacity)}h</td>
                    {heatmap.weekKeys.map((w, i) => {
                      const load = loads[i]!;
                      const leave = leaveHours(w, row.timeOffByWeek, row.holidayByWeek);
                      const why = notEmployed(w, hired, person.endDate);
                      const reasons = reasonsIn(w, row.absences, row.holidayCalendarId, holidays);
                      const tentative = row.tentativeByWeek[w] ?? 0;
                      return (
                        <td
                          key={w}
                          className={withTentative(cellClass(load, leave), tentative)}
                          data-testid={`heat-${person.id}-${w}`}
                          title={titleWithTentative(
                            `${person.name}, week of ${w}: ${loadTitle(load, why, leave, reasons)}`,
                            load.hours,
                            tentative,
                          )}
                        >
                          {formatHours(load.hours)}
                        </td>
                      );
                    })}
                    <td
                      className={`num peak ${peak?.band ?? ""}`}
                      data-testid={`peak-${person.id}`}
                      title={
                        peak?.percent === null
                          ? `${formatHours(peak.hours)}h planned in a week with no capacity`
                          : undefined
                      }
                    >
                      {peak ? percentLabel(peak.percent, peak.band) : "–"}
                    </td>
                    <td className="num" data-testid={`average-${person.id}`}>
                      {percentLabel(average, averageBand)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {heatmap.rows.length === 0 ? <p className="empty">Nobody in this department.</p> : null}
        </div>
      ) : null}
      {open && heatmap ? (
        <PersonPanel
          person={open}
          weeks={heatmap.weekKeys}
          onClose={() => setOpen(null)}
          onChanged={() => refetch({ requestPolicy: "network-only" })}
        />
      ) : null}
    </section>
  );
}
