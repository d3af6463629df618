import { useCallback, useEffect, useMemo, useState } from "react";
import { useMutation, useQuery, useSubscription } from "urql";

import { CandidatesPanel, type Filled, type PanelPlaceholder } from "../components/CandidatesPanel";
import { ExportButton } from "../components/ExportButton";
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
import { useSession } from "../components/SessionContext";
import { graphql } from "../gql";
import { holidaysByCalendar, reasonsIn } from "../lib/absences";
import {
  fillNotice,
  overbookedLabels,
  tentativeTotals,
  titleWithTentative,
  totals as ownerTotals,
  withTentative,
  type Overbooked,
  type Status,
} from "../lib/demand";
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
  query Grid_Screen(
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
    roles {
      id
      name
    }
    gridSnapshot(
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
        status
      }
      placeholders {
        id
        name
        roleId
        departmentId
      }
      placeholderAssignments {
        id
        placeholderId
        projectName
        projectClient
        roleOnProject
        version
        weeklyHours
        status
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
      placeholderAssignments {
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

type Booking = GridRow & {
  projectName: string;
  projectClient?: string | null;
  roleOnProject?: string | null;
  status: Status;
};
type Row = Booking & { personId: string };
type PlaceholderRow = Booking & { placeholderId: string };

/** The rows with what earlier saves returned over the snapshot's versions and hours. */
function withSaved<R extends GridRow>(rows: readonly R[], saved: Record<string, GridRow>): R[] {
  return rows.map((a) => ({
    ...a,
    version: saved[a.id]?.version ?? a.version,
    weeklyHours: saved[a.id]?.weeklyHours ?? a.weeklyHours,
  }));
}

export function Grid() {
  const { session, expired } = useSession();
  const [window, setWindow] = useWindow(8);
  const [includeTentative, setIncludeTentative] = useIncludeTentative();
  const [{ data, fetching, error }, reload] = useQuery({
    query: GridScreen,
    variables: { ...window, includeTentative },
  });
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
  const [candidatesOf, setCandidatesOf] = useState<PanelPlaceholder | null>(null);
  const [overbooked, setOverbooked] = useState<readonly Overbooked[]>([]);

  const snapshot = data?.gridSnapshot;
  // A fresh snapshot replaces what earlier saves returned; edits survive it, except those
  // that now equal the saved hours.
  const [seen, setSeen] = useState(snapshot);
  if (snapshot !== seen) {
    setSeen(snapshot);
    setSaved({});
    if (snapshot) {
      setDrafts((d) => pruneDrafts(d, [...snapshot.assignments, ...snapshot.placeholderAssignments]));
    }
  }
  const rows: Row[] = useMemo(() => withSaved(snapshot?.assignments ?? [], saved), [snapshot, saved]);
  const placeholderRows: PlaceholderRow[] = useMemo(
    () => withSaved(snapshot?.placeholderAssignments ?? [], saved),
    [snapshot, saved],
  );
  // Every editable row, people's and placeholders': one save path, one conflict banner.
  const allRows: (Row | PlaceholderRow)[] = useMemo(() => [...rows, ...placeholderRows], [rows, placeholderRows]);
  const weeks = useMemo(() => snapshot?.weekKeys ?? [], [snapshot]);
  const holidays = useMemo(() => holidaysByCalendar(snapshot?.holidays ?? []), [snapshot]);
  const totals = useMemo(() => personTotals(rows, drafts, weeks), [rows, drafts, weeks]);
  const tentative = useMemo(
    () => tentativeTotals(rows, (r) => r.personId, drafts, weeks),
    [rows, drafts, weeks],
  );
  const demand = useMemo(
    () => ownerTotals(placeholderRows, (r) => r.placeholderId, drafts, weeks),
    [placeholderRows, drafts, weeks],
  );
  const tentativeDemand = useMemo(
    () => tentativeTotals(placeholderRows, (r) => r.placeholderId, drafts, weeks),
    [placeholderRows, drafts, weeks],
  );
  const conflicted = new Set(
    problem?.kind === "conflict" ? problem.conflicts.map((c) => c.assignmentId) : [],
  );
  const pending = editCount(drafts);
  const status = editStatus(pending, Object.values(invalid));

  async function onSave() {
    setProblem(null);
    setNotice(null);
    setOverbooked([]);
    const items = bulkItems(drafts, allRows);
    setInFlight(new Set(items.map((i) => i.assignmentId)));
    const result = await save({ items }).finally(() => setInFlight(new Set()));
    if (result.error) {
      const found = describe(result.error);
      if (found.kind === "unauthenticated") expired(); // back to sign-in; edits are kept
      setProblem(found);
      return;
    }
    const payload = result.data?.bulkUpdateAssignmentHours;
    const answer = [...(payload?.assignments ?? []), ...(payload?.placeholderAssignments ?? [])];
    const next = applySaved(allRows, drafts, answer);
    setSaved((s) => ({ ...s, ...Object.fromEntries(answer.map((a) => [a.id, a])) }));
    setDrafts(next.drafts);
    setNotice(`Saved ${items.length} assignment${items.length === 1 ? "" : "s"}.`);
  }

  function onFilled({ person, project, answer }: Filled) {
    const name = candidatesOf?.name ?? "the placeholder";
    setCandidatesOf(null);
    setProblem(null);
    setNotice(fillNotice(person, name, project, answer));
    setOverbooked(answer.overbookedWeeks);
    reload({ requestPolicy: "network-only" });
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
  const placeholderNames = new Map(snapshot?.placeholders.map((p) => [p.id, p.name]));
  const ownerName = (row: Row | PlaceholderRow) =>
    "personId" in row ? names.get(row.personId) : placeholderNames.get(row.placeholderId);
  const byPlaceholder = new Map<string, PlaceholderRow[]>();
  for (const row of placeholderRows) {
    byPlaceholder.set(row.placeholderId, [...(byPlaceholder.get(row.placeholderId) ?? []), row]);
  }

  /** One assignment's row, a person's or a placeholder's: its hours editable week by week. */
  function bookingRow(row: Booking, owner: string, firstEligibleWeek: string | null | undefined) {
    const elsewhere = !conflicted.has(row.id) && changedElsewhere(live ?? {}, row, inFlight);
    const tentativeRow = row.status === "TENTATIVE";
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
          {tentativeRow ? (
            <em className="tag tentative" title="Tentative: not yet certain (e.g. a deal not signed)">
              tentative
            </em>
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
            label={`${owner}, ${row.projectName}, week of ${w}`}
            testId={`cell-${row.id}-${w}`}
            value={hoursAt(row, drafts, w)}
            saved={row.weeklyHours[w] ?? 0}
            edited={drafts[row.id]?.[w] !== undefined}
            tentative={tentativeRow}
            beforeHire={beforeHire(w, firstEligibleWeek)}
            disabled={!cellEditable(row, drafts, w, firstEligibleWeek)}
            invalid={invalid[`${row.id}|${w}`] ?? null}
            onInvalid={markInvalid}
            onCommit={(hours) => setDrafts((d) => setCell(d, row, w, hours))}
          />
        ))}
      </tr>
    );
  }
  const departmentNames = new Map(data?.departments.map((d) => [d.id, d.name]));
  const roleNames = new Map(data?.roles.map((r) => [r.id, r.name]));
  return (
    <section>
      <h1>Assignments</h1>
      <div className="toolbar">
        <DepartmentFilter departments={data?.departments ?? []} value={window} onChange={setWindow} />
        <WindowFilter value={window} onChange={setWindow} />
        <TentativeToggle value={includeTentative} onChange={setIncludeTentative} />
        <ExportButton window={window} includeTentative={includeTentative} />
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
      {overbooked.length ? (
        <div className="banner warn" role="status" data-testid="overbooked">
          Now over capacity in {overbooked.length === 1 ? "one week" : `${overbooked.length} weeks`}:{" "}
          {overbookedLabels(overbooked).join(", ")}.
        </div>
      ) : null}
      {problem?.kind === "conflict" ? (
        <div className="banner warn conflict" role="alert" data-testid="conflict">
          {problem.conflicts.length === 1 ? "One assignment was" : `${problem.conflicts.length} assignments were`}{" "}
          changed elsewhere since you loaded them:{" "}
          {problem.conflicts
            .map((c) => {
              const row = allRows.find((r) => r.id === c.assignmentId);
              return row ? `${ownerName(row)} on ${row.projectName}` : `#${c.assignmentId}`;
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
        <p className="legend">
          <span className="swatch tentative">tentative hours (dashed)</span>
          <span className="swatch demand">placeholder hours (unstaffed demand)</span>
        </p>
      ) : null}
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
                      const part = tentative[person.id]?.[w] ?? 0;
                      return (
                        <td
                          key={w}
                          className={withTentative(cellClass(load, leave), part)}
                          data-testid={`total-${person.id}-${w}`}
                          title={titleWithTentative(loadTitle(load, why, leave, reasons), load.hours, part)}
                        >
                          {formatHours(load.hours)}
                        </td>
                      );
                    })}
                  </tr>,
                  ...mine.map((row) => bookingRow(row, person.name, person.firstEligibleWeek)),
                ];
              })}
              {snapshot.placeholders.length ? (
                <tr className="section">
                  <th className="name" colSpan={weeks.length + 1}>
                    Placeholders <small>unstaffed demand: fill one from its candidates</small>
                  </th>
                </tr>
              ) : null}
              {snapshot.placeholders.map((ph) => {
                const detail = personDetail(
                  roleNames.get(ph.roleId),
                  ph.departmentId ? departmentNames.get(ph.departmentId) : null,
                );
                return [
                  <tr key={`h${ph.id}`} className="person placeholder" data-testid={`placeholder-${ph.id}`}>
                    <th className="name">
                      <span className="who-is">
                        <span className="person-name">{ph.name}</span>
                        <small className="person-detail">{personDetail("placeholder", detail)}</small>
                      </span>{" "}
                      <button
                        className="candidates-button"
                        data-testid={`candidates-${ph.id}`}
                        aria-haspopup="dialog"
                        onClick={() => setCandidatesOf({ id: ph.id, name: ph.name, detail })}
                      >
                        Candidates
                      </button>
                    </th>
                    {weeks.map((w) => {
                      const hours = demand[ph.id]?.[w] ?? 0;
                      const part = tentativeDemand[ph.id]?.[w] ?? 0;
                      return (
                        <td
                          key={w}
                          className={withTentative(hours ? "cell demand" : "cell none", part)}
                          data-testid={`placeholder-total-${ph.id}-${w}`}
                          title={titleWithTentative(`${formatHours(hours)}h unstaffed`, hours, part)}
                        >
                          {formatHours(hours)}
                        </td>
                      );
                    })}
                  </tr>,
                  ...(byPlaceholder.get(ph.id) ?? []).map((row) => bookingRow(row, ph.name, null)),
                ];
              })}
            </tbody>
          </table>
          {snapshot.people.length === 0 ? <p className="empty">Nobody in this department.</p> : null}
        </div>
      ) : null}
      {candidatesOf && snapshot ? (
        <CandidatesPanel
          placeholder={candidatesOf}
          assignments={byPlaceholder.get(candidatesOf.id) ?? []}
          includeTentative={includeTentative}
          drafts={drafts}
          onClose={() => setCandidatesOf(null)}
          onFilled={onFilled}
          onProblem={(found) => {
            // shown in the grid's banner (a CONFLICT as for bulk edits, with its Reload):
            // the panel closes so nothing covers it
            setCandidatesOf(null);
            setNotice(null);
            setOverbooked([]);
            setProblem(found);
          }}
        />
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
  tentative: boolean;
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
      className={`edit${props.tentative && props.value ? " tentative" : ""}${props.edited ? " edited" : ""}${invalid ? " invalid" : ""}${props.beforeHire && !props.disabled ? " prehire" : ""}`}
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
