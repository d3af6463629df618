import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";

import { WeekInput } from "../components/Filters";
import { PersonName, personDetail } from "../components/PersonName";
import { ErrorBanner, Loading } from "../components/Status";
import { graphql } from "../gql";
import type { AvailabilityScope } from "../gql/graphql";
import { formatHours } from "../lib/heat";
import { LoadCell } from "../components/LoadCell";
import { dayLabel, normaliseWeek } from "../lib/weeks";

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
          startDate
          endDate
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
          email
          role {
            name
          }
          department {
            name
          }
        }
        projectHours
        totalHours
        capacity
        availableHours
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
  // A link to a project that does not exist (or not for this viewer): one message, and the
  // list to choose from; any other error keeps the banner with Retry.
  const missing = !!projectId && !!data && !project;
  const onlyMissing =
    missing && !!error && error.graphQLErrors.every((e) => e.path?.[0] === "project");
  const projects = data?.projects.edges.map(({ node }) => node) ?? [];

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
      {error && !onlyMissing ? <ErrorBanner error={error} retry={() => refetch()} /> : null}
      {fetching && !data ? <Loading what="projects" /> : null}
      {missing ? (
        <div className="banner warn" role="status" data-testid="no-project">
          There is no project “{projectId}”, or it is not visible to you. Choose one below.
        </div>
      ) : null}
      {data && !project ? (
        <div className="scroll-x">
          <table className="list projects" aria-busy={fetching}>
            <thead>
              <tr>
                <th>Project</th>
                <th>Client</th>
                <th>Status</th>
                <th>Dates</th>
              </tr>
            </thead>
            <tbody>
              {projects.map((p) => (
                <tr key={p.id} data-testid={`project-${p.id}`}>
                  <td>
                    <Link to={`/projects/${p.id}${params.size ? `?${params}` : ""}`}>{p.name}</Link>
                  </td>
                  <td>{p.client ?? <small>Internal</small>}</td>
                  <td>
                    <span className={`status ${p.status.toLowerCase()}`}>{statusLabel(p.status)}</span>
                  </td>
                  <td>
                    <small>{dates(p.startDate, p.endDate)}</small>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data && !project && projects.length === 0 ? <p className="empty">No projects yet.</p> : null}
      {project ? (
        <>
          <p className="meta">
            {project.client ?? "Internal"} · {statusLabel(project.status)}
            {project.startDate ? ` · ${dates(project.startDate, project.endDate)}` : ""}
          </p>
          <div className="scroll-x">
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
                      <PersonName
                        name={a.person.name}
                        detail={personDetail(a.person.role?.name, a.person.department?.name)}
                        email={a.person.email}
                      />
                    </td>
                    <td className="num">{formatHours(a.projectHours)}h</td>
                    <td className="num">{formatHours(a.totalHours)}h</td>
                    <td className="num">{formatHours(a.capacity)}h</td>
                    <td className="num">{formatHours(a.availableHours)}h</td>
                    <LoadCell hours={a.totalHours} capacity={a.capacity} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {project.availability.length === 0 ? <p className="empty">Nobody is assigned.</p> : null}
        </>
      ) : null}
    </section>
  );
}

function statusLabel(status: string): string {
  const words = status.toLowerCase().replace("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function dates(start: string | null | undefined, end: string | null | undefined): string {
  if (!start) return "";
  return `${dayLabel(start)} to ${end ? dayLabel(end) : "open"}`;
}

