// A person's panel, opened from their name on the heatmap or the grid: their time off in
// the screen's weeks, which a planner adds, changes and removes here. After every change the
// screen behind reloads (its capacity comes from the API, which counts the time off).
import { useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";

import { graphql } from "../gql";
import { absenceLabel, KIND_LABEL } from "../lib/absences";
import { describe, type Problem } from "../lib/errors";
import { formatHours } from "../lib/heat";
import {
  draftOf,
  fieldsOf,
  newDraft,
  TIME_OFF_KINDS,
  windowOf,
  type TimeOffDraft,
  type TimeOffEntry,
} from "../lib/timeOff";
import { dayLabel } from "../lib/weeks";
import { useSession } from "./SessionContext";

const PersonQuery = graphql(`
  query PersonPanel_Person($id: ID!, $from: Date!, $to: Date!) {
    person(id: $id) {
      id
      name
      weeklyCapacity
      hireDate
      endDate
      holidayCalendar {
        id
        name
      }
      holidayCalendarInherited
      timeOff(from: $from, to: $to) {
        id
        startDate
        endDate
        hoursPerDay
        kind
        note
      }
    }
  }
`);

const CreateTimeOff = graphql(`
  mutation PersonPanel_CreateTimeOff($input: CreateTimeOffInput!) {
    createTimeOff(input: $input) {
      timeOff {
        id
        startDate
        endDate
        hoursPerDay
        kind
        note
      }
    }
  }
`);

const UpdateTimeOff = graphql(`
  mutation PersonPanel_UpdateTimeOff($id: ID!, $input: UpdateTimeOffInput!) {
    updateTimeOff(id: $id, input: $input) {
      timeOff {
        id
        startDate
        endDate
        hoursPerDay
        kind
        note
      }
    }
  }
`);

const DeleteTimeOff = graphql(`
  mutation PersonPanel_DeleteTimeOff($id: ID!) {
    deleteTimeOff(id: $id) {
      id
    }
  }
`);

export type PanelPerson = { id: string; name: string };

type Failure = { message: string; field: string | null };

export function PersonPanel({
  person,
  weeks,
  onClose,
  onChanged,
}: {
  person: PanelPerson;
  weeks: readonly string[];
  onClose: () => void;
  onChanged: () => void;
}) {
  const { session, expired } = useSession();
  const window = windowOf(weeks);
  const [{ data, fetching, error }, reload] = useQuery({
    query: PersonQuery,
    variables: { id: person.id, from: window?.from ?? "", to: window?.to ?? "" },
    pause: window === null,
  });
  const [created, create] = useMutation(CreateTimeOff);
  const [updated, update] = useMutation(UpdateTimeOff);
  const [deleted, remove] = useMutation(DeleteTimeOff);
  const busy = created.fetching || updated.fetching || deleted.fetching;

  const [editing, setEditing] = useState<string | null>(null); // the entry being changed
  const [draft, setDraft] = useState<TimeOffDraft>(() => newDraft(weeks[0] ?? ""));
  const [failure, setFailure] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  function fail(problem: Problem) {
    if (problem.kind === "unauthenticated") expired();
    const field = "field" in problem && problem.field ? problem.field.replace(/^input\./, "") : null;
    setFailure({ message: problem.message, field });
  }

  function done(what: string) {
    setFailure(null);
    setNotice(what);
    setEditing(null);
    setDraft(newDraft(weeks[0] ?? ""));
    reload({ requestPolicy: "network-only" });
    onChanged();
  }

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setNotice(null);
    const checked = fieldsOf(draft);
    if ("error" in checked) {
      setFailure({ message: checked.error, field: checked.field });
      return;
    }
    let saved: TimeOffEntry | undefined;
    if (editing) {
      const result = await update({ id: editing, input: checked.fields });
      if (result.error) return fail(describe(result.error));
      saved = result.data?.updateTimeOff.timeOff;
    } else {
      const result = await create({ input: { personId: person.id, ...checked.fields } });
      if (result.error) return fail(describe(result.error));
      saved = result.data?.createTimeOff.timeOff;
    }
    if (saved) done(`${editing ? "Changed" : "Added"}: ${describeEntry(saved)}.`);
  }

  async function onRemove(entry: TimeOffEntry) {
    setNotice(null);
    const result = await remove({ id: entry.id });
    if (result.error) return fail(describe(result.error));
    done(`Removed: ${describeEntry(entry)}.`);
  }

  const info = data?.person;
  const entries = info?.timeOff ?? [];
  const invalid = (field: keyof TimeOffDraft) => (failure?.field === field ? true : undefined);
  const set = (patch: Partial<TimeOffDraft>) => setDraft((d) => ({ ...d, ...patch }));
  return (
    <aside className="panel" role="dialog" aria-label={`${person.name}: time off`} data-testid="person-panel">
      <header>
        <h2>{person.name}</h2>
        <button className="link" onClick={onClose}>
          Close
        </button>
      </header>
      {info ? (
        <p className="meta" data-testid="person-facts">
          {[
            `${formatHours(info.weeklyCapacity)}h a week`,
            info.hireDate ? `hired ${dayLabel(info.hireDate)}` : null,
            info.endDate ? `until ${dayLabel(info.endDate)}` : null,
            info.holidayCalendar
              ? `holidays: ${info.holidayCalendar.name}${info.holidayCalendarInherited ? " (from the department)" : ""}`
              : "no holiday calendar",
          ]
            .filter(Boolean)
            .join(" · ")}
        </p>
      ) : null}
      {error ? (
        <div className="banner error" role="alert">
          {describe(error).message}
        </div>
      ) : null}
      <h3>
        Time off{window ? `, ${dayLabel(window.from)} – ${dayLabel(window.to)}` : ""}
      </h3>
      {fetching && !info ? <p className="loading">Loading time off…</p> : null}
      {info && entries.length === 0 ? <p className="empty">No time off in these weeks.</p> : null}
      {entries.length ? (
        <table className="list time-off">
          <tbody>
            {entries.map((entry) => (
              <tr
                key={entry.id}
                data-testid={`time-off-${entry.id}`}
                className={editing === entry.id ? "editing" : undefined}
              >
                <td>{describeEntry(entry)}</td>
                <td className="actions">
                  <button
                    onClick={() => {
                      setEditing(entry.id);
                      setDraft(draftOf(entry));
                      setFailure(null);
                      setNotice(null);
                    }}
                    disabled={busy}
                  >
                    Change
                  </button>{" "}
                  <button onClick={() => onRemove(entry)} disabled={busy || !session.authenticated}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {notice ? (
        <div className="banner ok" role="status">
          {notice}
        </div>
      ) : null}
      <form className="time-off-form" onSubmit={onSubmit}>
        <h3>{editing ? "Change time off" : "Add time off"}</h3>
        <label>
          From
          <input
            type="date"
            value={draft.startDate}
            aria-invalid={invalid("startDate")}
            onChange={(e) => set({ startDate: e.target.value })}
          />
        </label>
        <label>
          To
          <input
            type="date"
            value={draft.endDate}
            aria-invalid={invalid("endDate")}
            onChange={(e) => set({ endDate: e.target.value })}
          />
        </label>
        <label>
          Kind
          <select value={draft.kind} onChange={(e) => set({ kind: e.target.value as TimeOffDraft["kind"] })}>
            {TIME_OFF_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Hours a day
          <input
            inputMode="decimal"
            placeholder="whole days"
            value={draft.hoursPerDay}
            aria-invalid={invalid("hoursPerDay")}
            onChange={(e) => set({ hoursPerDay: e.target.value })}
          />
        </label>
        <label>
          Note
          <input value={draft.note} onChange={(e) => set({ note: e.target.value })} />
        </label>
        {failure ? (
          <div className="banner error" role="alert" data-testid="time-off-error">
            {failure.message}
          </div>
        ) : null}
        <div className="buttons">
          <button className="primary" type="submit" disabled={busy || !session.authenticated}>
            {editing ? "Save changes" : "Add"}
          </button>
          {editing ? (
            <button
              type="button"
              onClick={() => {
                setEditing(null);
                setDraft(newDraft(weeks[0] ?? ""));
                setFailure(null);
              }}
            >
              Cancel
            </button>
          ) : null}
        </div>
      </form>
    </aside>
  );
}

/** "Vacation 4-8 Jan (ski trip)", as the screens' tooltips name it. */
function describeEntry(entry: TimeOffEntry): string {
  return absenceLabel({ ...entry, name: entry.note });
}
