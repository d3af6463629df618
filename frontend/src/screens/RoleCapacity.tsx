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
            const points = report.weekKeys.map((w, i) => ({
              week: shortWeek(w),
              assigned: s.assigned[i] ?? 0,
              capacity: s.capacity[i] ?? 0,
            }));
            const assigned = s.assigned.reduce((a, b) => a + b, 0);
            const capacity = s.capacity.reduce((a, b) => a + b, 0);
            return (
              <figure key={s.role.id} className="chart" data-testid={`role-${s.role.id}`}>
                <figcaption>
                  <strong>{s.role.name}</strong>{" "}
                  <small>
                    {Math.round(assigned)}h assigned of {Math.round(capacity)}h
                    {capacity ? ` (${Math.round((assigned / capacity) * 100)}%)` : ""}
                  </small>
                </figcaption>
                <ResponsiveContainer width="100%" height={180}>
                  <ComposedChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                    <CartesianGrid strokeDasharray="3 3" vertical={false} />
                    <XAxis dataKey="week" fontSize={11} />
                    <YAxis fontSize={11} />
                    <Tooltip />
                    <Legend />
                    <Bar dataKey="assigned" name="Assigned" fill="#4f7cac" isAnimationActive={false} />
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
