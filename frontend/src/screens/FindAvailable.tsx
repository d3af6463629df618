import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { useQuery } from "urql";

import { DepartmentFilter, useWindow, WeekInput } from "../components/Filters";
import { ErrorBanner, Loading } from "../components/Status";
import { graphql } from "../gql";
import { formatHours } from "../lib/heat";
import { normaliseWeek } from "../lib/weeks";

const FindAvailableScreen = graphql(`
  query FindAvailable_Screen(
    $week: Date
    $skills: [String!]
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
    skills {
      id
      name
      category
    }
    findAvailable(
      week: $week
      skills: $skills
      department: $department
      includeChildren: $includeChildren
      limit: 50
    ) {
      person {
        id
        name
        role {
          name
        }
        department {
          name
        }
      }
      score
      availableHours
      capacity
      utilizationPercent
      matchedSkills
      missingSkills
    }
  }
`);

export function FindAvailable() {
  const [window, setWindow] = useWindow();
  const [params, setParams] = useSearchParams();
  const chosen = params.getAll("skill");
  const [filter, setFilter] = useState("");
  const week = normaliseWeek(params.get("week") ?? "");

  const [{ data, fetching, error }, refetch] = useQuery({
    query: FindAvailableScreen,
    variables: {
      week,
      skills: chosen.length ? chosen : null,
      department: window.department,
      includeChildren: window.includeChildren,
    },
  });

  function update(next: { skills?: string[]; week?: string | null }) {
    const p = new URLSearchParams(params);
    if (next.skills) {
      p.delete("skill");
      for (const s of next.skills) p.append("skill", s);
    }
    if (next.week !== undefined) {
      if (next.week) p.set("week", next.week);
      else p.delete("week");
    }
    setParams(p, { replace: true });
  }
  const toggle = (name: string) =>
    update({
      skills: chosen.includes(name) ? chosen.filter((s) => s !== name) : [...chosen, name],
    });
  const offered = (data?.skills ?? []).filter(
    (s) => !chosen.includes(s.name) && s.name.toLowerCase().includes(filter.toLowerCase()),
  );

  return (
    <section>
      <h1>Find available people</h1>
      <div className="toolbar">
        <WeekInput label="Week" value={week} onChange={(next) => update({ week: next })} />
        <DepartmentFilter departments={data?.departments ?? []} value={window} onChange={setWindow} />
      </div>
      <div className="skills-picker">
        <span>Skills:</span>
        {chosen.map((s) => (
          <button key={s} className="chip on" onClick={() => toggle(s)} aria-label={`Remove ${s}`}>
            {s} ×
          </button>
        ))}
        <input
          aria-label="Filter skills"
          placeholder="Add a skill…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        {filter
          ? offered.slice(0, 12).map((s) => (
              <button key={s.id} className="chip" onClick={() => (toggle(s.name), setFilter(""))}>
                {s.name} <small>{s.category}</small>
              </button>
            ))
          : null}
      </div>
      {error ? <ErrorBanner error={error} retry={() => refetch()} /> : null}
      {fetching && !data ? <Loading what="candidates" /> : null}
      {data ? (
        <table className="list" aria-busy={fetching}>
          <thead>
            <tr>
              <th>#</th>
              <th>Person</th>
              <th>Score</th>
              <th>Available</th>
              <th>Load</th>
              <th>Matched skills</th>
              <th>Missing</th>
            </tr>
          </thead>
          <tbody>
            {data.findAvailable.map((c, i) => (
              <tr key={c.person.id} data-testid={`candidate-${c.person.id}`}>
                <td className="num">{i + 1}</td>
                <td>
                  {c.person.name}
                  <small>
                    {" "}
                    {[c.person.role?.name, c.person.department?.name].filter(Boolean).join(" · ")}
                  </small>
                </td>
                <td className="num">{c.score.toFixed(3)}</td>
                <td className="num">
                  {formatHours(c.availableHours)}h <small>of {formatHours(c.capacity)}h</small>
                </td>
                <td className="num">
                  {c.utilizationPercent == null ? "–" : `${c.utilizationPercent}%`}
                </td>
                <td>
                  {c.matchedSkills.map((s) => (
                    <span key={s} className="chip matched">
                      {s}
                    </span>
                  ))}
                </td>
                <td>
                  {c.missingSkills.map((s) => (
                    <span key={s} className="chip missing">
                      {s}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {data && data.findAvailable.length === 0 ? (
        <p className="empty">Nobody matches: try fewer skills or another department.</p>
      ) : null}
    </section>
  );
}
