import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { useQuery } from "urql";

import {
  DepartmentFilter,
  isDepartmentError,
  StaleDepartment,
  useStaleDepartment,
  useWindow,
  WeekInput,
} from "../components/Filters";
import { PersonName, personDetail } from "../components/PersonName";
import { ErrorBanner, Loading } from "../components/Status";
import { graphql } from "../gql";
import { formatHours } from "../lib/heat";
import { LoadCell } from "../components/LoadCell";
import { formatScore, knownSkill, parseWeight, suggestSkills } from "../lib/skills";
import { normaliseWeek } from "../lib/weeks";

const FindAvailableScreen = graphql(`
  query FindAvailable_Screen(
    $week: Date
    $skills: [String!]
    $department: ID
    $includeChildren: Boolean!
    $availabilityWeight: Float!
    $skillWeight: Float!
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
      availabilityWeight: $availabilityWeight
      skillWeight: $skillWeight
    ) {
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
      score
      hours
      availableHours
      capacity
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
  const availabilityWeight = parseWeight(params.get("aw"));
  const skillWeight = parseWeight(params.get("sw"));

  const [{ data, fetching, error }, refetch] = useQuery({
    query: FindAvailableScreen,
    variables: {
      week,
      skills: chosen.length ? chosen : null,
      department: window.department,
      includeChildren: window.includeChildren,
      availabilityWeight,
      skillWeight,
    },
  });
  const stale = useStaleDepartment(error, window, setWindow);

  function update(next: { skills?: string[]; week?: string | null; aw?: string; sw?: string }) {
    const p = new URLSearchParams(params);
    if (next.skills) {
      p.delete("skill");
      for (const s of next.skills) p.append("skill", s);
    }
    if (next.week !== undefined) {
      if (next.week) p.set("week", next.week);
      else p.delete("week");
    }
    for (const key of ["aw", "sw"] as const) {
      const text = next[key];
      if (text === undefined) continue;
      if (text === "" || parseWeight(text) === 0.5) p.delete(key);
      else p.set(key, String(parseWeight(text)));
    }
    setParams(p, { replace: true });
  }
  // A weight outside 0..10 is not sent: the input shows the weight that is.
  function setWeight(key: "aw" | "sw", input: HTMLInputElement) {
    const weight = parseWeight(input.value);
    input.value = String(weight);
    update({ [key]: String(weight) });
  }
  const toggle = (name: string) =>
    update({
      skills: chosen.includes(name) ? chosen.filter((s) => s !== name) : [...chosen, name],
    });
  const known = (data?.skills ?? []).map((s) => s.name);
  const categories = new Map(data?.skills.map((s) => [s.name, s.category]));
  const offered = suggestSkills(filter, known, 12).filter((name) => !chosen.includes(name));
  // Chosen names the API does not know (a link, a typo): what to pick instead.
  const unknown = data ? chosen.filter((s) => !knownSkill(s, known)) : [];
  function add(name: string) {
    const exact = knownSkill(name, known) ?? name.trim();
    if (exact && !chosen.includes(exact)) update({ skills: [...chosen, exact] });
    setFilter("");
  }
  function replace(old: string, name: string) {
    update({ skills: chosen.map((s) => (s === old ? name : s)).filter((s, i, all) => all.indexOf(s) === i) });
  }

  return (
    <section>
      <h1>Find available people</h1>
      <div className="toolbar">
        <WeekInput label="Week" value={week} onChange={(next) => update({ week: next })} />
        <DepartmentFilter departments={data?.departments ?? []} value={window} onChange={setWindow} />
        <span className="weights" role="group" aria-label="Ranking weights">
          <WeightInput
            label="Availability weight"
            hint="How much free time counts in the score"
            value={availabilityWeight}
            onChange={(input) => setWeight("aw", input)}
          />
          <WeightInput
            label="Skill weight"
            hint="How much matching skills count in the score (0 when no skills are chosen)"
            value={skillWeight}
            onChange={(input) => setWeight("sw", input)}
          />
        </span>
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
          list="known-skills"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && filter.trim()) add(offered[0] ?? filter);
          }}
        />
        <datalist id="known-skills">
          {known.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        {offered.map((name) => (
          <button key={name} className="chip" onClick={() => add(name)}>
            {name} <small>{categories.get(name)}</small>
          </button>
        ))}
        {filter.trim() && data && offered.length === 0 ? (
          <small className="hint" data-testid="no-skill">
            No known skill is like “{filter.trim()}”. Known skills are listed as you type.
          </small>
        ) : null}
      </div>
      {unknown.map((s) => {
        const like = suggestSkills(s, known, 4);
        return (
          <div key={s} className="banner warn" role="status" data-testid="unknown-skill">
            “{s}” is not a known skill, so nobody matches it.{" "}
            {like.length ? (
              <>
                Did you mean{" "}
                {like.map((name) => (
                  <button key={name} className="chip" onClick={() => replace(s, name)}>
                    {name}
                  </button>
                ))}
                ?
              </>
            ) : (
              "Pick one from the list as you type."
            )}{" "}
            <button className="link" onClick={() => toggle(s)}>
              Remove it
            </button>
          </div>
        );
      })}
      <StaleDepartment notice={stale} />
      {error && !isDepartmentError(error) ? <ErrorBanner error={error} retry={() => refetch()} /> : null}
      {fetching && !data ? <Loading what="candidates" /> : null}
      {data ? (
        <div className="scroll-x">
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
                    <PersonName
                      name={c.person.name}
                      detail={personDetail(c.person.role?.name, c.person.department?.name)}
                      email={c.person.email}
                    />
                  </td>
                  <td className="num">{formatScore(c.score)}</td>
                  <td className="num">
                    {formatHours(c.availableHours)}h <small>of {formatHours(c.capacity)}h</small>
                  </td>
                  <LoadCell hours={c.hours} capacity={c.capacity} />
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
        </div>
      ) : null}
      {data && data.findAvailable.length === 0 ? (
        <p className="empty">Nobody matches: try fewer skills or another department.</p>
      ) : null}
    </section>
  );
}

/** A ranking weight, sent when the input is left or Enter is pressed (not per keystroke). */
function WeightInput(props: {
  label: string;
  hint: string;
  value: number;
  onChange: (input: HTMLInputElement) => void;
}) {
  return (
    <label title={props.hint}>
      {props.label}{" "}
      <input
        type="number"
        min={0}
        max={10}
        step={0.1}
        aria-label={props.label}
        defaultValue={props.value}
        key={props.value}
        onBlur={(e) => props.onChange(e.currentTarget)}
        onKeyDown={(e) => e.key === "Enter" && props.onChange(e.currentTarget)}
      />
    </label>
  );
}
