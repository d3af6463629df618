// The department filter (with its children toggle) and the weeks window, kept in the URL so
// a screen can be linked and reloaded as it is.
import { useSearchParams } from "react-router-dom";

import { departmentOptions, type Dept } from "../lib/departments";
import { WEEK_CHOICES, normaliseWeek } from "../lib/weeks";

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

/** A date input naming a week: whatever day is picked, the value is that week's Monday. */
export function WeekInput({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string | null;
  onChange: (week: string | null) => void;
}) {
  return (
    <label>
      {label}{" "}
      <input
        type="date"
        aria-label={label}
        value={value ?? ""}
        onChange={(e) => onChange(normaliseWeek(e.target.value))}
      />
    </label>
  );
}
