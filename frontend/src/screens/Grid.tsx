import { useEffect, useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";

import { ExportButton } from "../components/ExportButton";
import { DepartmentFilter, useWindow, WindowFilter } from "../components/Filters";
import { ErrorBanner, Loading } from "../components/Status";
import { useSession } from "../components/SessionContext";
import { graphql } from "../gql";
import { describe, type Problem } from "../lib/errors";
import {
  applySaved,
  bulkItems,
  editCount,
  hoursAt,
  loadDrafts,
  parseHours,
  personTotals,
  pruneDrafts,
  setCell,
  storeDrafts,
  type Drafts,
  type GridRow,
} from "../lib/gridEdits";
import { formatHours, loadBand } from "../lib/heat";
import { shortWeek } from "../lib/weeks";

const GridScreen = graphql(`
  query Grid_Screen($from: Date, $weeks: Int!, $department: ID, $includeChildren: Boolean!) {
    departments {
      id
      name
      parent {
        id
      }
    }
    gridSnapshot(
      from: $from
      weeks: $weeks
      department: $department
      includeChildren: $includeChildren
    ) {
      weekKeys
      people {
        id
        name
        weeklyCapacity
        firstEligibleWeek
      }
      assignments {
        id
        personId
        projectName
        projectClient
        roleOnProject
        version
        weeklyHours
      }
    }
  }
`);

const SaveHours = graphql(`
  mutation Grid_SaveHours($items: [AssignmentHoursInput!]!) {
    bulkUpdateAssignmentHours(items: $items) {
      assignments {
        id
        version
        weeklyHours
      }
    }
  }
`);

type Row = GridRow & { personId: string; projectName: string; projectClient?: string | null };

export function Grid() {
  const { session, expired } = useSession();
  const [window, setWindow] = useWindow(8);
  const [{ data, fetching, error }, reload] = useQuery({ query: GridScreen, variables: window });
  const [saving, save] = useMutation(SaveHours);
  const [drafts, setDrafts] = useState<Drafts>(() => loadDrafts(sessionStorage));
  useEffect(() => storeDrafts(sessionStorage, drafts), [drafts]);
  const [saved, setSaved] = useState<Record<string, GridRow>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const snapshot = data?.gridSnapshot;
  // A fresh snapshot replaces what earlier saves returned; edits survive it, except those
  // that now equal the saved hours.
  const [seen, setSeen] = useState(snapshot);
  if (snapshot !== seen) {
    setSeen(snapshot);
    setSaved({});
    if (snapshot) setDrafts((d) => pruneDrafts(d, snapshot.assignments));
  }
  const rows: Row[] = useMemo(
    () =>
      (snapshot?.assignments ?? []).map((a) => ({
        ...a,
        version: saved[a.id]?.version ?? a.version,
        weeklyHours: saved[a.id]?.weeklyHours ?? a.weeklyHours,
      })),
    [snapshot, saved],
  );
  const weeks = useMemo(() => snapshot?.weekKeys ?? [], [snapshot]);
  const totals = useMemo(() => personTotals(rows, drafts, weeks), [rows, drafts, weeks]);
  const conflicted = new Set(
    problem?.kind === "conflict" ? problem.conflicts.map((c) => c.assignmentId) : [],
  );
  const pending = editCount(drafts);

  async function onSave() {
    setProblem(null);
    setNotice(null);
    const items = bulkItems(drafts, rows);
    const result = await save({ items });
    if (result.error) {
      const found = describe(result.error);
      if (found.kind === "unauthenticated") expired(); // back to sign-in; edits are kept
      setProblem(found);
      return;
    }
    const answer = result.data?.bulkUpdateAssignmentHours.assignments ?? [];
    const next = applySaved(rows, drafts, answer);
    setSaved((s) => ({ ...s, ...Object.fromEntries(answer.map((a) => [a.id, a])) }));
    setDrafts(next.drafts);
    setNotice(`Saved ${items.length} assignment${items.length === 1 ? "" : "s"}.`);
  }

  function onReload() {
    setProblem(null);
    reload({ requestPolicy: "network-only" });
  }

  const names = new Map(snapshot?.people.map((p) => [p.id, p.name]));
  return (
    <section>
      <h1>Assignments</h1>
      <div className="toolbar">
        <DepartmentFilter departments={data?.departments ?? []} value={window} onChange={setWindow} />
        <WindowFilter value={window} onChange={setWindow} />
        <ExportButton window={window} />
        <span className="spacer" />
        <span className="pending" data-testid="pending">
          {pending ? `${pending} unsaved change${pending === 1 ? "" : "s"}` : "No unsaved changes"}
        </span>
        <button onClick={() => setDrafts({})} disabled={!pending || saving.fetching}>
          Discard
        </button>
        <button
          className="primary"
          onClick={onSave}
          disabled={!pending || saving.fetching || !session.authenticated}
        >
          {saving.fetching ? "Saving…" : "Save"}
        </button>
      </div>
      {notice ? (
        <div className="banner ok" role="status">
          {notice}
        </div>
      ) : null}
      {problem?.kind === "conflict" ? (
        <div className="banner warn conflict" role="alert" data-testid="conflict">
          {problem.conflicts.length === 1 ? "One assignment was" : `${problem.conflicts.length} assignments were`}{" "}
          changed elsewhere since you loaded them:{" "}
          {problem.conflicts
            .map((c) => {
              const row = rows.find((r) => r.id === c.assignmentId);
              return row ? `${names.get(row.personId)} on ${row.projectName}` : `#${c.assignmentId}`;
            })
            .join(", ")}
          . Nothing was saved. Reload to see their latest hours; your edits are kept.{" "}
          <button onClick={onReload}>Reload</button>
        </div>
      ) : problem ? (
        <div className={`banner error ${problem.kind}`} role="alert">
          {problem.message}
        </div>
      ) : null}
      {error ? <ErrorBanner error={error} retry={onReload} /> : null}
      {fetching && !snapshot ? <Loading what="assignments" /> : null}
      {snapshot ? (
        <div className="scroll">
          <table className="grid" aria-busy={fetching}>
            <thead>
              <tr>
                <th className="name">Person / project</th>
                {weeks.map((w) => (
                  <th key={w} title={w}>
                    {shortWeek(w)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {snapshot.people.map((person) => {
                const mine = rows.filter((r) => r.personId === person.id);
                return [
                  <tr key={`p${person.id}`} className="person">
                    <th className="name">
                      {person.name} <small>{formatHours(person.weeklyCapacity)}h/week</small>
                    </th>
                    {weeks.map((w) => {
                      const hours = totals[person.id]?.[w] ?? 0;
                      const percent =
                        person.weeklyCapacity > 0 ? (hours / person.weeklyCapacity) * 100 : null;
                      return (
                        <td
                          key={w}
                          className={`cell ${loadBand(percent, hours)}`}
                          data-testid={`total-${person.id}-${w}`}
                        >
                          {formatHours(hours)}
                        </td>
                      );
                    })}
                  </tr>,
                  ...mine.map((row) => (
                    <tr
                      key={`a${row.id}`}
                      className={conflicted.has(row.id) ? "assignment conflicted" : "assignment"}
                      data-testid={`assignment-${row.id}`}
                    >
                      <th className="name project">
                        {row.projectName}
                        {row.projectClient ? <small> · {row.projectClient}</small> : null}
                        {conflicted.has(row.id) ? <em className="tag">changed elsewhere</em> : null}
                      </th>
                      {weeks.map((w) => (
                        <HoursCell
                          key={w}
                          label={`${person.name}, ${row.projectName}, week of ${w}`}
                          testId={`cell-${row.id}-${w}`}
                          value={hoursAt(row, drafts, w)}
                          edited={drafts[row.id]?.[w] !== undefined}
                          disabled={!!person.firstEligibleWeek && w < person.firstEligibleWeek}
                          onCommit={(hours) => setDrafts((d) => setCell(d, row, w, hours))}
                        />
                      ))}
                    </tr>
                  )),
                ];
              })}
            </tbody>
          </table>
          {snapshot.people.length === 0 ? <p className="empty">Nobody in this department.</p> : null}
        </div>
      ) : null}
    </section>
  );
}

function HoursCell(props: {
  label: string;
  testId: string;
  value: number;
  edited: boolean;
  disabled: boolean;
  onCommit: (hours: number) => void;
}) {
  const shown = props.value ? formatHours(props.value) : "";
  const [typing, setTyping] = useState<string | null>(null); // null: show the value
  const [invalid, setInvalid] = useState<string | null>(null);
  const text = typing ?? shown;

  function commit() {
    if (typing === null) return;
    const parsed = parseHours(typing);
    if ("error" in parsed) {
      setInvalid(parsed.error);
      return;
    }
    setInvalid(null);
    setTyping(null);
    props.onCommit(parsed.hours);
  }
  return (
    <td className={`edit${props.edited ? " edited" : ""}${invalid ? " invalid" : ""}`}>
      <input
        aria-label={props.label}
        data-testid={props.testId}
        inputMode="decimal"
        value={text}
        disabled={props.disabled}
        title={props.disabled ? "Before this person's hire date" : (invalid ?? undefined)}
        onChange={(e) => setTyping(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
          if (e.key === "Escape") {
            setTyping(null);
            setInvalid(null);
          }
        }}
      />
    </td>
  );
}
