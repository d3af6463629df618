import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { useQuery } from "urql";

import {
  DepartmentFilter,
  isDepartmentError,
  StaleDepartment,
  useStaleDepartment,
  useWindow,
  WindowFilter,
} from "../components/Filters";
import { ErrorBanner, Loading } from "../components/Status";
import { graphql } from "../gql";
import { rolePoints, roleTotals } from "../lib/demand";
import { formatHours } from "../lib/heat";
import { shortWeek } from "../lib/weeks";

const RoleCapacityScreen = graphql(`
  query RoleCapacity_Screen(
    $from: Date
    $weeks: Int!
    $department: ID
    $includeChildren: Boolean!
  ) {
    departments {
      id
      name
      parent {
        id
      }
    }
    roleCapacity(
      from: $from
      weeks: $weeks
      department: $department
      includeChildren: $includeChildren
    ) {
      weekKeys
      series {
        role {
          id
          name
        }
        assigned
        capacity
        unstaffed
      }
    }
  }
`);

export function RoleCapacity() {
  const [window, setWindow] = useWindow(12);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: RoleCapacityScreen,
    variables: window,
  });
  const report = data?.roleCapacity;
  const stale = useStaleDepartment(error, window, setWindow);

  return (
    <section>
      <h1>Role capacity</h1>
      <div className="toolbar">
        <DepartmentFilter departments={data?.departments ?? []} value={window} onChange={setWindow} />
        <WindowFilter value={window} onChange={setWindow} />
      </div>
      <StaleDepartment notice={stale} />
      {error && !isDepartmentError(error) ? <ErrorBanner error={error} retry={() => refetch()} /> : null}
      {fetching && !report ? <Loading what="role capacity" /> : null}
      {report ? (
        <div className="charts" aria-busy={fetching}>
          {report.series.map((s) => {
            const points = rolePoints(report.weekKeys, s).map((p) => ({ ...p, week: shortWeek(p.week) }));
            const { assigned, capacity, unstaffed } = roleTotals(s);
            return (
              <figure
                key={s.role.id}
                className="chart"
                data-testid={`role-${s.role.id}`}
                data-unstaffed={s.unstaffed.join(" ")}
              >
                <figcaption>
                  <strong>{s.role.name}</strong>{" "}
                  <small>
                    {Math.round(assigned)}h assigned of {Math.round(capacity)}h
                    {capacity ? ` (${Math.round((assigned / capacity) * 100)}%)` : ""}
                    {unstaffed ? (
                      <>
                        {", "}
                        <span data-testid={`unstaffed-${s.role.id}`}>{formatHours(unstaffed)}h unstaffed</span>
                      </>
                    ) : null}
                  </small>
                </figcaption>
                <ResponsiveContainer width="100%" height={180}>
                  <ComposedChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                    <CartesianGrid strokeDasharray="3 3" vertical={false} />
                    <XAxis dataKey="week" fontSize={11} />
                    <YAxis fontSize={11} />
                    <Tooltip />
                    <Legend />
                    <Bar
                      dataKey="assigned"
                      name="Assigned"
                      stackId="demand"
                      fill="#4f7cac"
                      isAnimationActive={false}
                    />
                    <Bar
                      dataKey="unstaffed"
                      name="Unstaffed (placeholders)"
                      stackId="demand"
                      fill="#e0a100"
                      isAnimationActive={false}
                    />
                    <Line
                      dataKey="capacity"
                      name="Capacity"
                      stroke="#d1495b"
                      dot={false}
                      type="stepAfter"
                      isAnimationActive={false}
                    />
                  </ComposedChart>
                </ResponsiveContainer>
              </figure>
            );
          })}
          {report.series.length === 0 ? <p className="empty">No roles here.</p> : null}
        </div>
      ) : null}
    </section>
  );
}
