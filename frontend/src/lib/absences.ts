// Holidays and time off as the screens name them: the reason a week has less capacity, in
// a cell's tooltip ("Vacation 21-24 Dec (family)", "Holiday: Christmas Day").
import { addDays, MONTHS } from "./weeks";

export type AbsenceKind = "HOLIDAY" | "VACATION" | "SICK" | "PARENTAL" | "OTHER";

export type Absence = {
  kind: AbsenceKind;
  startDate: string;
  endDate: string;
  hoursPerDay?: number | null;
  name: string;
};

export const KIND_LABEL: Record<Exclude<AbsenceKind, "HOLIDAY">, string> = {
  VACATION: "Vacation",
  SICK: "Sick leave",
  PARENTAL: "Parental leave",
  OTHER: "Time off",
};

/** A report's holidays, listed once per calendar: `{ calendarId, holidays: [{date, name}] }`. */
export type ReportHolidays = {
  calendarId: string;
  holidays: readonly { date: string; name: string }[];
};

/** The holidays of the calendar a row follows, as absences (one day each), by calendar id. */
export function holidaysByCalendar(reports: readonly ReportHolidays[]): Map<string, Absence[]> {
  return new Map(
    reports.map((r) => [
      r.calendarId,
      r.holidays.map((h) => ({ kind: "HOLIDAY" as const, startDate: h.date, endDate: h.date, name: h.name })),
    ]),
  );
}

/** A row's reasons for the week of `monday`: its calendar's holidays, then its time off. */
export function reasonsIn(
  monday: string,
  timeOff: readonly Absence[],
  calendarId: string | null | undefined,
  holidays: Map<string, Absence[]>,
): string[] {
  const own = calendarId == null ? [] : (holidays.get(calendarId) ?? []);
  return [...absencesIn(own, monday), ...absencesIn(timeOff, monday)].map(absenceLabel);
}

/** The absences that touch the week of `monday` (Monday to Sunday), in the order given. */
export function absencesIn<A extends Absence>(absences: readonly A[], monday: string): A[] {
  const sunday = addDays(monday, 6);
  return absences.filter((a) => a.startDate <= sunday && a.endDate >= monday);
}

/** "Holiday: Christmas Day"; "Vacation 21-24 Dec (family)"; "Sick leave 5 Jan, 4h a day". */
export function absenceLabel(a: Absence): string {
  if (a.kind === "HOLIDAY") return `Holiday: ${a.name}`;
  const hours = a.hoursPerDay == null ? "" : `, ${a.hoursPerDay}h a day`;
  const note = a.name ? ` (${a.name})` : "";
  return `${KIND_LABEL[a.kind]} ${dayRange(a.startDate, a.endDate)}${hours}${note}`;
}

/** "24 Dec", "21-24 Dec", "28 Dec-3 Jan" (one year), "28 Dec 2026-8 Jan 2027". The year is
 * left out when both ends share it: a tooltip sits next to the week it explains. */
export function dayRange(start: string, end: string): string {
  const [sy, sm, sd] = start.split("-").map(Number) as [number, number, number];
  const [ey, em, ed] = end.split("-").map(Number) as [number, number, number];
  if (start === end) return `${sd} ${MONTHS[sm - 1]}`;
  if (sy !== ey) return `${sd} ${MONTHS[sm - 1]} ${sy}-${ed} ${MONTHS[em - 1]} ${ey}`;
  if (sm !== em) return `${sd} ${MONTHS[sm - 1]}-${ed} ${MONTHS[em - 1]}`;
  return `${sd}-${ed} ${MONTHS[sm - 1]}`;
}
