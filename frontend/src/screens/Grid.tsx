import { useCallback, useEffect, useMemo, useState } from "react";
import { useMutation, useQuery, useSubscription } from "urql";

import { ExportButton } from "../components/ExportButton";
import {
  DepartmentFilter,
  isDepartmentError,
  StaleDepartment,
  useStaleDepartment,
  useWindow,
  WindowFilter,
} from "../components/Filters";
import { PersonName, personDetail } from "../components/PersonName";
import { PersonPanel, type PanelPerson } from "../components/PersonPanel";
import { ErrorBanner, Loading } from "../components/Status";
import { useSession } from "../components/SessionContext";
import { graphql } from "../gql";
import { holidaysByCalendar, reasonsIn } from "../lib/absences";
import { describe, type Problem } from "../lib/errors";
import {
  applySaved,
  BEFORE_HIRE,
  beforeHire,
  bulkItems,
  cellEditable,
  editCount,
  editStatus,
  hoursAt,
  loadDrafts,
  parseCell,
  personTotals,
  pruneDrafts,
  setCell,
  storeDrafts,
  type Drafts,
  type GridRow,
} from "../lib/gridEdits";
import {
  cellClass,
  formatHours,
  leaveHours,
  loadTitle,
  notEmployed,
  weekCapacity,
  weekLoad,
} from "../lib/heat";
import { changedElsewhere, noteEvent, type LiveVersions } from "../lib/liveChanges";
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
    roles {
      id
      name
    }
    gridSnapshot(
      from: $from
      weeks: $weeks
      department: $department
      includeChildren: $includeChildren
    ) {
      weekKeys
      holidays {
        calendarId
        holidays {
          date
          name
        }
      }
      people {
        id
        name
        weeklyCapacity
        departmentId
        roleId
        email
        firstEligibleWeek
        endDate
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

// Live: each change of an assignment of the department shown, as it commits (lib/liveChanges).
const HoursChanged = graphql(`
  subscription Grid_HoursChanged($department: ID, $includeChildren: Boolean) {
    assignmentHoursChanged(department: $department, includeChildren: $includeChildren) {
      sequence
      assignmentId
      operation
      version
    }
  }
`);

type Row = GridRow & {
  personId: string;
  projectName: string;
  projectClient?: string | null;
  roleOnProject?: string | null;
};

export function Grid() {
  const { session, expired } = useSession();
  const [window, setWindow] = useWindow(8);
  const [{ data, fetching, error }, reload] = useQuery({ query: GridScreen, variables: window });
  const [saving, save] = useMutation(SaveHours);
  const [{ data: live }] = useSubscription(
    {
      query: HoursChanged,
      variables: { department: window.department, includeChildren: window.includeChildren },
      pause: !session.authenticated,
    },
    (seen: LiveVersions = {}, event) => noteEvent(seen, event.assignmentHoursChanged),
  );
  // The rows a save is sending: their own change may come live before the save's answer.
  const [inFlight, setInFlight] = useState<ReadonlySet<string>>(new Set());
  const [drafts, setDrafts] = useState<Drafts>(() => loadDrafts(sessionStorage));
  useEffect(() => storeDrafts(sessionStorage, drafts), [drafts]);
  const [saved, setSaved] = useState<Record<string, GridRow>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  // Cells holding text that is not valid hours, by "<assignment>|<week>": why each is wrong.
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const markInvalid = useCallback(
    (key: string, why: string | null) =>
      setInvalid((m) => {
        if ((m[key] ?? null) === why) return m;
        const next = { ...m };
        if (why === null) delete next[key];
        else next[key] = why;
        return next;
      }),
    [],
  );
  // Discard remounts the cells (a new key), so their typed text goes with the edits.
  const [epoch, setEpoch] = useState(0);
  const stale = useStaleDepartment(error, window, setWindow);
  const [notice, setNotice] = useState<string | null>(null);
  const [open, setOpen] = useState<PanelPerson | null>(null);

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
  const holidays = useMemo(() => holidaysByCalendar(snapshot?.holidays ?? []), [snapshot]);
  const totals = useMemo(() => personTotals(rows, drafts, weeks), [rows, drafts, weeks]);
  const conflicted = new Set(
    problem?.kind === "conflict" ? problem.conflicts.map((c) => c.assignmentId) : [],
  );
  const pending = editCount(drafts);
  const status = editStatus(pending, Object.values(invalid));

  async function onSave() {
    setProblem(null);
    setNotice(null);
    const items = bulkItems(drafts, rows);
    setInFlight(new Set(items.map((i) => i.assignmentId)));
    const result = await save({ items }).finally(() => setInFlight(new Set()));
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

  function onDiscard() {
    setDrafts({});
    setInvalid({});
    setEpoch((e) => e + 1);
  }

  const names = new Map(snapshot?.people.map((p) => [p.id, p.name]));
  const departmentNames = new Map(data?.departments.map((d) => [d.id, d.name]));
  const roleNames = new Map(data?.roles.map((r) => [r.id, r.name]));
  return (
    <section>
      <h1>Assignments</h1>
      <div className="toolbar">
        <DepartmentFilter departments={data?.departments ?? []} value={window} onChange={setWindow} />
        <WindowFilter value={window} onChange={setWindow} />
        <ExportButton window={window} />
        <span className="spacer" />
        <span className={status.blocked ? "pending invalid" : "pending"} data-testid="pending">
          {status.text}
        </span>
        <button onClick={onDiscard} disabled={(!pending && !status.blocked) || saving.fetching}>
          Discard
        </button>
        <button
          className="primary"
          onClick={onSave}
          title={status.blocked ?? undefined}
          disabled={!pending || !!status.blocked || saving.fetching || !session.authenticated}
        >
          {saving.fetching ? "Saving…" : "Save"}
        </button>
      </div>
      {status.blocked ? (
        <div className="banner error" role="status" data-testid="save-blocked">
          {status.blocked}
        </div>
      ) : null}
      <StaleDepartment notice={stale} />
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
      {error && !isDepartmentError(error) ? <ErrorBanner error={error} retry={onReload} /> : null}
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
                      <PersonName
                        name={person.name}
                        detail={personDetail(
                          person.roleId ? roleNames.get(person.roleId) : null,
                          person.departmentId ? departmentNames.get(person.departmentId) : null,
                          `${formatHours(person.weeklyCapacity)}h/week`,
                        )}
                        email={person.email}
                        onOpen={() => setOpen(person)}
                      />
                    </th>
                    {weeks.map((w) => {
                      const load = weekLoad(
                        totals[person.id]?.[w] ?? 0,
                        weekCapacity(person.capacityByWeek, w),
                      );
                      const leave = leaveHours(w, person.timeOffByWeek, person.holidayByWeek);
                      const why = notEmployed(w, person.firstEligibleWeek, person.endDate);
                      const reasons = reasonsIn(w, person.absences, person.holidayCalendarId, holidays);
                      return (
                        <td
                          key={w}
                          className={cellClass(load, leave)}
                          data-testid={`total-${person.id}-${w}`}
                          title={loadTitle(load, why, leave, reasons)}
                        >
                          {formatHours(load.hours)}
                        </td>
                      );
                    })}
                  </tr>,
                  ...mine.map((row) => {
                    const elsewhere =
                      !conflicted.has(row.id) && changedElsewhere(live ?? {}, row, inFlight);
                    return (
                      <tr
                        key={`a${row.id}`}
                        className={
                          conflicted.has(row.id)
                            ? "assignment conflicted"
                            : elsewhere
                              ? "assignment elsewhere"
                              : "assignment"
                        }
                        data-testid={`assignment-${row.id}`}
                      >
                        <th className="name project">
                          {row.projectName}
                          {row.projectClient || row.roleOnProject ? (
                            <small>
                              {" · "}
                              {[row.projectClient, row.roleOnProject].filter(Boolean).join(" · ")}
                            </small>
                          ) : null}
                          {conflicted.has(row.id) ? <em className="tag">changed elsewhere</em> : null}
                          {elsewhere ? (
                            <em
                              className="tag live"
                              data-testid={`elsewhere-${row.id}`}
                              title="Someone else saved this assignment since you loaded it: reload before saving it, or the save will be refused"
                            >
                              changed elsewhere
                            </em>
                          ) : null}
                        </th>
                        {weeks.map((w) => (
                          <HoursCell
                            key={`${w}-${epoch}`}
                            cellKey={`${row.id}|${w}`}
                            label={`${person.name}, ${row.projectName}, week of ${w}`}
                            testId={`cell-${row.id}-${w}`}
                            value={hoursAt(row, drafts, w)}
                            saved={row.weeklyHours[w] ?? 0}
                            edited={drafts[row.id]?.[w] !== undefined}
                            beforeHire={beforeHire(w, person.firstEligibleWeek)}
                            disabled={!cellEditable(row, drafts, w, person.firstEligibleWeek)}
                            invalid={invalid[`${row.id}|${w}`] ?? null}
                            onInvalid={markInvalid}
                            onCommit={(hours) => setDrafts((d) => setCell(d, row, w, hours))}
                          />
                        ))}
                      </tr>
                    );
                  }),
                ];
              })}
            </tbody>
          </table>
          {snapshot.people.length === 0 ? <p className="empty">Nobody in this department.</p> : null}
        </div>
      ) : null}
      {open && snapshot ? (
        <PersonPanel
          person={open}
          weeks={weeks}
          onClose={() => setOpen(null)}
          onChanged={() => reload({ requestPolicy: "network-only" })}
        />
      ) : null}
    </section>
  );
}

function HoursCell(props: {
  cellKey: string;
  label: string;
  testId: string;
  value: number;
  saved: number;
  edited: boolean;
  beforeHire: boolean;
  disabled: boolean;
  invalid: string | null;
  onInvalid: (key: string, why: string | null) => void;
  onCommit: (hours: number) => void;
}) {
  const { cellKey, onInvalid, invalid } = props;
  const shown = props.value ? formatHours(props.value) : "";
  const [typing, setTyping] = useState<string | null>(null); // null: show the value
  const text = typing ?? shown;
  // A cell that goes away (another window, Discard) takes its invalid text with it.
  useEffect(() => () => onInvalid(cellKey, null), [cellKey, onInvalid]);

  function commit() {
    if (typing === null) return;
    const parsed = parseCell(typing, { beforeHire: props.beforeHire, saved: props.saved });
    if ("error" in parsed) {
      onInvalid(cellKey, parsed.error);
      return;
    }
    onInvalid(cellKey, null);
    setTyping(null);
    props.onCommit(parsed.hours);
  }
  const hint = props.beforeHire
    ? props.disabled
      ? "Before this person's hire date"
      : `${BEFORE_HIRE}.`
    : undefined;
  return (
    <td
      className={`edit${props.edited ? " edited" : ""}${invalid ? " invalid" : ""}${props.beforeHire && !props.disabled ? " prehire" : ""}`}
    >
      <input
        aria-label={props.label}
        aria-invalid={invalid ? true : undefined}
        data-testid={props.testId}
        inputMode="decimal"
        value={text}
        disabled={props.disabled}
        title={invalid ?? hint}
        onChange={(e) => setTyping(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
          if (e.key === "Escape") {
            setTyping(null);
            onInvalid(cellKey, null);
          }
        }}
      />
    </td>
  );
}
