// The grid's live "changed elsewhere" marker: pure functions, so the rules are unit-tested.
//
// The grid subscribes to assignmentHoursChanged for the department it shows. Each event says
// which assignment changed and its version after the write (null for a removal). A row is
// marked when an event reported a version newer than the one the grid shows: a write by
// someone else, which a save would now run into as a CONFLICT. The grid's own saves do not
// mark: their answer carries the same version, so the row shows it and the event is not
// newer (and while a save of that row is in flight, its event may come first: not marked).
// A reload shows the newest versions, and the marks go away with them.

export type HoursEvent = {
  assignmentId: string;
  operation: "CREATE" | "UPDATE" | "DELETE";
  version?: number | null;
};

/** Assignment id -> the newest version the subscription reported (Infinity: removed). */
export type LiveVersions = Record<string, number>;

/** Folds one event in (an older or repeated version changes nothing). */
export function noteEvent(seen: LiveVersions, event: HoursEvent): LiveVersions {
  const version = event.operation === "DELETE" ? Number.POSITIVE_INFINITY : event.version;
  if (version == null || (seen[event.assignmentId] ?? 0) >= version) return seen;
  return { ...seen, [event.assignmentId]: version };
}

/** The row changed elsewhere since the grid got the version it shows. */
export function changedElsewhere(
  seen: LiveVersions,
  row: { id: string; version: number },
  saving: ReadonlySet<string>,
): boolean {
  const version = seen[row.id];
  return version !== undefined && version > row.version && !saving.has(row.id);
}

/** The WebSocket URL of the API beside the page (same origin: the session cookie goes along). */
export function socketUrl(location: Pick<Location, "protocol" | "host">, path = "/graphql"): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`;
}
