// The department filter (with its children toggle) and the weeks window, kept in the URL so
// a screen can be linked and reloaded as it is.
import { useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router-dom";

import type { CombinedError } from "urql";

import { includeTentativeOf, withIncludeTentative } from "../lib/demand";
import { departmentOptions, type Dept } from "../lib/departments";
import { describe } from "../lib/errors";
import { WEEK_CHOICES, addWeeks, mondayOf, normaliseWeek, weekLabel } from "../lib/weeks";

export type Window = {
  from: string | null;
  weeks: number;
  department: string | null;
  includeChildren: boolean;
};

export function useWindow(defaultWeeks = 12): [Window, (patch: Partial<Window>) => void] {
  const [params, setParams] = useSearchParams();
  const weeks = Number(params.get("weeks"));
  const value: Window = {
    from: normaliseWeek(params.get("from") ?? ""),
    weeks: (WEEK_CHOICES as readonly number[]).includes(weeks) ? weeks : defaultWeeks,
    department: params.get("department") || null,
    includeChildren: params.get("children") !== "0",
  };
  const update = (patch: Partial<Window>) => {
    const next = { ...value, ...patch };
    const p = new URLSearchParams(params); // a screen's own parameters (skills, week) stay
    for (const key of ["from", "weeks", "department", "children"]) p.delete(key);
    if (next.from) p.set("from", next.from);
    p.set("weeks", String(next.weeks));
    if (next.department) p.set("department", next.department);
    if (!next.includeChildren) p.set("children", "0");
    setParams(p, { replace: true });
  };
  return [value, update];
}

/** The "include tentative" toggle, kept in the URL (`?tentative=0` leaves tentative hours
 * out; absent, they count, as the API's default). */
export function useIncludeTentative(): [boolean, (include: boolean) => void] {
  const [params, setParams] = useSearchParams();
  return [
    includeTentativeOf(params),
    (include) => setParams(withIncludeTentative(params, include), { replace: true }),
  ];
}

export function TentativeToggle({
  value,
  onChange,
}: {
  value: boolean;
  onChange: (include: boolean) => void;
}) {
  return (
    <label className="check" title="Tentative bookings (e.g. a deal not signed) count in the hours, or not at all">
      <input
        type="checkbox"
        data-testid="include-tentative"
        checked={value}
        onChange={(e) => onChange(e.target.checked)}
      />{" "}
      include tentative
    </label>
  );
}

/** True when a request failed because of its `department` argument (a link naming a
 * department that does not exist, or no longer does). */
export function isDepartmentError(error: CombinedError | undefined): boolean {
  if (!error) return false;
  const problem = describe(error);
  return "field" in problem && problem.field === "department";
}

/** A stale `?department=` in a link: the screen drops the filter, shows everyone, and says
 * why, instead of failing as a whole. Returns the notice to show (null: nothing to say). */
export function useStaleDepartment(
  error: CombinedError | undefined,
  value: Window,
  onChange: (patch: Partial<Window>) => void,
): string | null {
  const [notice, setNotice] = useState<string | null>(null);
  const stale = isDepartmentError(error) ? value.department : null;
  const [seen, setSeen] = useState<string | null>(null);
  if (stale !== null && stale !== seen) {
    setSeen(stale);
    setNotice(`The link named a department that does not exist (“${stale}”): showing all departments.`);
  }
  useEffect(() => {
    if (stale !== null) onChange({ department: null });
  }, [stale]); // eslint-disable-line react-hooks/exhaustive-deps -- once per stale value
  // Choosing a department afterwards answers the notice.
  return value.department === null ? notice : null;
}

export function StaleDepartment({ notice }: { notice: string | null }) {
  if (!notice) return null;
  return (
    <div className="banner warn" role="status" data-testid="stale-department">
      {notice}
    </div>
  );
}

export function DepartmentFilter({
  departments,
  value,
  onChange,
}: {
  departments: readonly Dept[];
  value: Window;
  onChange: (patch: Partial<Window>) => void;
}) {
  return (
    <>
      <label>
        Department{" "}
        <select
          aria-label="Department"
          value={value.department ?? ""}
          onChange={(e) => onChange({ department: e.target.value || null })}
        >
          <option value="">All departments</option>
          {departmentOptions(departments).map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={value.includeChildren}
          onChange={(e) => onChange({ includeChildren: e.target.checked })}
        />{" "}
        with sub-departments
      </label>
    </>
  );
}

export function WindowFilter({
  value,
  onChange,
}: {
  value: Window;
  onChange: (patch: Partial<Window>) => void;
}) {
  return (
    <>
      <WeekInput label="From week" value={value.from} onChange={(from) => onChange({ from })} />
      <span className="segmented" role="group" aria-label="Weeks">
        {WEEK_CHOICES.map((w) => (
          <button
            key={w}
            className={w === value.weeks ? "on" : ""}
            aria-pressed={w === value.weeks}
            onClick={() => onChange({ weeks: w })}
          >
            {w} weeks
          </button>
        ))}
      </span>
    </>
  );
}

/** A week picker that names the week it shows ("Week of 30 Nov 2026"; no value is the
 * current week, as the API reads it): previous and next buttons, and the browser's own date
 * picker behind the label, where whatever day is picked names that day's week. */
export function WeekInput({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string | null;
  onChange: (week: string | null) => void;
}) {
  const picker = useRef<HTMLInputElement>(null);
  const shown = value ?? mondayOf(new Date());
  const go = (weeks: number) => onChange(addWeeks(shown, weeks));
  return (
    <span className="week-picker" role="group" aria-label={label}>
      <span className="week-picker-label">{label}</span>
      <button type="button" aria-label={`${label}: previous week`} onClick={() => go(-1)}>
        ‹
      </button>
      <button
        type="button"
        className="week-picker-value"
        data-testid={`week-${label}`}
        aria-label={`${label}: ${weekLabel(shown)}, choose another`}
        onClick={() => picker.current?.showPicker?.()}
      >
        {weekLabel(shown)}
        {value ? "" : " (this week)"}
      </button>
      <input
        ref={picker}
        type="date"
        tabIndex={-1}
        aria-hidden="true"
        className="week-picker-date"
        value={shown}
        onChange={(e) => onChange(normaliseWeek(e.target.value))}
      />
      <button type="button" aria-label={`${label}: next week`} onClick={() => go(1)}>
        ›
      </button>
      {value ? (
        <button type="button" className="link" onClick={() => onChange(null)}>
          This week
        </button>
      ) : null}
    </span>
  );
}
