import { useNavigate, useParams, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";

import { WeekInput } from "../components/Filters";
import { ErrorBanner, Loading } from "../components/Status";
import { graphql } from "../gql";
import type { AvailabilityScope } from "../gql/graphql";
import { formatHours } from "../lib/heat";
import { normaliseWeek } from "../lib/weeks";

const ProjectScreen = graphql(`
  query Project_Screen(
    $projectId: ID!
    $withProject: Boolean!
    $week: Date
    $scope: AvailabilityScope!
  ) {
    projects(first: 200) {
      edges {
        node {
          id
          name
          client
          status
        }
      }
    }
    project(id: $projectId) @include(if: $withProject) {
      id
      name
      client
      status
      startDate
      endDate
      availability(week: $week, scope: $scope) {
        person {
          id
          name
          role {
            name
          }
        }
        projectHours
        totalHours
        capacity
        availableHours
        utilizationPercent
      }
    }
  }
`);

export function ProjectAvailability() {
  const { projectId } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const week = normaliseWeek(params.get("week") ?? "");
  const scope: AvailabilityScope = params.get("scope") === "DEPARTMENTS" ? "DEPARTMENTS" : "ASSIGNED";
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ProjectScreen,
    variables: { projectId: projectId ?? "0", withProject: !!projectId, week, scope },
  });
  const set = (key: string, value: string | null) => {
    const p = new URLSearchParams(params);
    if (value) p.set(key, value);
    else p.delete(key);
    setParams(p, { replace: true });
  };
  const project = data?.project;

  return (
    <section>
      <h1>Project availability</h1>
      <div className="toolbar">
        <label>
          Project{" "}
          <select
            aria-label="Project"
            value={projectId ?? ""}
            onChange={(e) => navigate(`/projects/${e.target.value}?${params}`)}
          >
            <option value="">Choose a project…</option>
            {data?.projects.edges.map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.name}
                {node.client ? ` (${node.client})` : ""}
              </option>
            ))}
          </select>
        </label>
        <WeekInput label="Week" value={week} onChange={(next) => set("week", next)} />
        <span className="segmented" role="group" aria-label="Who">
          {(["ASSIGNED", "DEPARTMENTS"] as const).map((s) => (
            <button key={s} className={s === scope ? "on" : ""} aria-pressed={s === scope} onClick={() => set("scope", s)}>
              {s === "ASSIGNED" ? "People on the project" : "Their departments"}
            </button>
          ))}
        </span>
      </div>
      {error ? <ErrorBanner error={error} retry={() => refetch()} /> : null}
      {fetching && !data ? <Loading what="projects" /> : null}
      {projectId && data && !project ? <p className="empty">No such project.</p> : null}
      {project ? (
        <>
          <p className="meta">
            {project.client ?? "Internal"} · {project.status.toLowerCase().replace("_", " ")}
            {project.startDate ? ` · ${project.startDate} to ${project.endDate ?? "open"}` : ""}
          </p>
          <table className="list" aria-busy={fetching}>
            <thead>
              <tr>
                <th>Person</th>
                <th>On this project</th>
                <th>All projects</th>
                <th>Capacity</th>
                <th>Available</th>
                <th>Load</th>
              </tr>
            </thead>
            <tbody>
              {project.availability.map((a) => (
                <tr key={a.person.id} data-testid={`availability-${a.person.id}`}>
                  <td>
                    {a.person.name} <small>{a.person.role?.name}</small>
                  </td>
                  <td className="num">{formatHours(a.projectHours)}h</td>
                  <td className="num">{formatHours(a.totalHours)}h</td>
                  <td className="num">{formatHours(a.capacity)}h</td>
                  <td className="num">{formatHours(a.availableHours)}h</td>
                  <td className="num">
                    {a.utilizationPercent == null ? "–" : `${a.utilizationPercent}%`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {project.availability.length === 0 ? <p className="empty">Nobody is assigned.</p> : null}
        </>
      ) : null}
    </section>
  );
}
