// A placeholder's candidates, opened from its row on the grid: the people ranked for its weeks
// and required skills (Placeholder.candidates: score, available hours, matched and missing
// skills), each with one button per placeholder assignment that fills it with that person
// (fillPlaceholder, against the version the grid shows). The grid reports the outcome: a
// notice with the overbooked weeks, or a CONFLICT in the same banner as its bulk edits.
import { useEffect } from "react";
import { useMutation, useQuery } from "urql";

import { graphql } from "../gql";
import {
  availabilityLabel,
  coversDemand,
  fillBlocked,
  type FillAnswer,
} from "../lib/demand";
import { describe, type Problem } from "../lib/errors";
import type { Drafts } from "../lib/gridEdits";
import { formatScore } from "../lib/skills";
import { useSession } from "./SessionContext";

const CandidatesQuery = graphql(`
  query Grid_PlaceholderCandidates($id: ID!, $includeTentative: Boolean!) {
    placeholder(id: $id) {
      id
      requiredSkills {
        skill {
          name
        }
        minProficiency
      }
      candidates(limit: 10, includeTentative: $includeTentative) {
        person {
          id
          name
          email
        }
        score
        availabilityPercent
        availableHours
        demandHours
        matchedSkills
        missingSkills
      }
    }
  }
`);

const FillPlaceholder = graphql(`
  mutation Grid_FillPlaceholder(
    $placeholderAssignmentId: ID!
    $personId: ID!
    $expectedVersion: Int!
  ) {
    fillPlaceholder(
      placeholderAssignmentId: $placeholderAssignmentId
      personId: $personId
      expectedVersion: $expectedVersion
    ) {
      assignment {
        id
        version
        weeklyHours
      }
      remainingHours
      overbookedWeeks {
        week
        hours
        capacity
      }
    }
  }
`);

export type PanelPlaceholder = { id: string; name: string; detail: string };

export type PanelAssignment = {
  id: string;
  version: number;
  projectName: string;
};

export type Filled = { person: string; project: string; answer: FillAnswer };

export function CandidatesPanel({
  placeholder,
  assignments,
  includeTentative,
  drafts,
  onClose,
  onFilled,
  onProblem,
}: {
  placeholder: PanelPlaceholder;
  assignments: readonly PanelAssignment[];
  includeTentative: boolean;
  drafts: Drafts;
  onClose: () => void;
  onFilled: (filled: Filled) => void;
  onProblem: (problem: Problem) => void;
}) {
  const { session, expired } = useSession();
  const [{ data, fetching, error }] = useQuery({
    query: CandidatesQuery,
    variables: { id: placeholder.id, includeTentative },
    requestPolicy: "cache-and-network",
  });
  const [filling, fill] = useMutation(FillPlaceholder);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  async function onFill(person: { id: string; name: string }, a: PanelAssignment) {
    const result = await fill({
      placeholderAssignmentId: a.id,
      personId: person.id,
      expectedVersion: a.version,
    });
    if (result.error) {
      const problem = describe(result.error);
      if (problem.kind === "unauthenticated") expired();
      onProblem(problem);
      return;
    }
    const answer = result.data?.fillPlaceholder;
    if (answer) {
      onFilled({ person: person.name, project: a.projectName, answer });
    }
  }

  const info = data?.placeholder;
  const candidates = info?.candidates ?? [];
  return (
    <aside
      className="panel"
      role="dialog"
      aria-label={`${placeholder.name}: candidates`}
      data-testid="candidates-panel"
    >
      <header>
        <h2>{placeholder.name}</h2>
        <button className="link" onClick={onClose}>
          Close
        </button>
      </header>
      <p className="meta">
        {placeholder.detail}
        {info && info.requiredSkills.length ? (
          <>
            {" · needs "}
            {info.requiredSkills.map((s) => `${s.skill.name} (${s.minProficiency.toLowerCase()}+)`).join(", ")}
          </>
        ) : null}
      </p>
      {error ? (
        <div className="banner error" role="alert">
          {describe(error).message}
        </div>
      ) : null}
      <h3>Candidates, best first</h3>
      {fetching && !info ? <p className="loading">Ranking people…</p> : null}
      {info && candidates.length === 0 ? (
        <p className="empty">No one to rank: the placeholder has no hours, or no one is employed in its weeks.</p>
      ) : null}
      <ol className="candidates" aria-busy={fetching}>
        {candidates.map((c, i) => (
          <li key={c.person.id} data-testid={`fill-candidate-${c.person.id}`} data-rank={i + 1}>
            <div className="candidate-head">
              <strong title={c.person.email ?? undefined}>{c.person.name}</strong>
              <span className="score" data-testid={`score-${c.person.id}`}>
                {formatScore(c.score)}
              </span>
            </div>
            <div className={coversDemand(c) ? "meta" : "meta short"}>{availabilityLabel(c)}</div>
            <div>
              {c.matchedSkills.map((s) => (
                <span key={s} className="chip matched">
                  {s}
                </span>
              ))}
              {c.missingSkills.map((s) => (
                <span key={s} className="chip missing" title="Not held, or below the required level">
                  {s}
                </span>
              ))}
            </div>
            <div className="fill-buttons">
              {assignments.map((a) => {
                const blocked = fillBlocked(a.id, drafts, {
                  authenticated: session.authenticated,
                  busy: filling.fetching,
                });
                return (
                  <button
                    key={a.id}
                    data-testid={`fill-${a.id}-${c.person.id}`}
                    disabled={blocked !== null}
                    title={blocked ?? `Move the hours of ${placeholder.name} on ${a.projectName} to ${c.person.name}`}
                    onClick={() => onFill(c.person, a)}
                  >
                    {assignments.length === 1 ? "Fill" : `Fill ${a.projectName}`}
                  </button>
                );
              })}
            </div>
          </li>
        ))}
      </ol>
    </aside>
  );
}
