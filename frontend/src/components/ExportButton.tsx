// "Export": the grid's window as CSV or XLSX, built in the background (requestGridExport),
// polled until it is ready, then offered as a download (the session owns the file).
import { useEffect, useState } from "react";
import { useClient, useMutation } from "urql";

import { graphql } from "../gql";
import type { ExportFormat } from "../gql/graphql";
import { describe } from "../lib/errors";
import type { Window } from "./Filters";

const RequestExport = graphql(`
  mutation Grid_RequestExport(
    $from: Date
    $weeks: Int!
    $department: ID
    $includeChildren: Boolean!
    $includeTentative: Boolean!
    $format: ExportFormat!
  ) {
    requestGridExport(
      from: $from
      weeks: $weeks
      department: $department
      includeChildren: $includeChildren
      includeTentative: $includeTentative
      format: $format
    ) {
      id
      status
    }
  }
`);

const ExportJob = graphql(`
  query Grid_ExportJob($id: ID!) {
    job(id: $id) {
      id
      status
      progress
      result {
        url
      }
      error
    }
  }
`);

type State =
  | { phase: "idle" }
  | { phase: "working"; id: string; progress: number; format: ExportFormat }
  | { phase: "ready"; url: string; format: ExportFormat }
  | { phase: "failed"; message: string };

export const EXPORT_WEEKS = 52;
const POLL_MS = 500;

/** The grid's window as the grid shows it: with the include-tentative toggle off, the file
 * leaves tentative assignments and hours out too. */
export function ExportButton({ window, includeTentative }: { window: Window; includeTentative: boolean }) {
  const [state, setState] = useState<State>({ phase: "idle" });
  const [format, setFormat] = useState<ExportFormat>("CSV");
  const [, request] = useMutation(RequestExport);
  const client = useClient();

  // The job being polled, and the format it was asked in (the picker may change meanwhile).
  const jobId = state.phase === "working" ? state.id : null;
  const jobFormat = state.phase === "working" ? state.format : "CSV";
  useEffect(() => {
    if (!jobId) return;
    let stopped = false;
    const poll = async () => {
      const { data, error } = await client.query(ExportJob, { id: jobId }).toPromise();
      if (stopped) return;
      const job = data?.job;
      if (error || !job) {
        setState({ phase: "failed", message: error ? describe(error).message : "Export lost" });
      } else if (job.status === "SUCCEEDED" && job.result) {
        setState({ phase: "ready", url: job.result.url, format: jobFormat });
      } else if (job.status === "FAILED" || job.status === "EXPIRED") {
        setState({ phase: "failed", message: job.error ?? `Export ${job.status.toLowerCase()}` });
      } else {
        setState({ phase: "working", id: jobId, progress: job.progress, format: jobFormat });
        timer = setTimeout(poll, POLL_MS);
      }
    };
    let timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [jobId, jobFormat, client]);

  async function start() {
    const result = await request({
      from: window.from,
      weeks: EXPORT_WEEKS,
      department: window.department,
      includeChildren: window.includeChildren,
      includeTentative,
      format,
    });
    const job = result.data?.requestGridExport;
    if (result.error || !job) {
      setState({ phase: "failed", message: result.error ? describe(result.error).message : "" });
    } else {
      setState({ phase: "working", id: job.id, progress: 0, format });
    }
  }

  return (
    <span className="export" data-testid="export">
      <select
        aria-label="Export format"
        value={format}
        onChange={(e) => setFormat(e.target.value as ExportFormat)}
      >
        <option value="CSV">CSV</option>
        <option value="XLSX">Excel</option>
      </select>
      <button onClick={start} disabled={state.phase === "working"}>
        {state.phase === "working" ? `Exporting… ${state.progress}%` : `Export ${EXPORT_WEEKS} weeks`}
      </button>
      {state.phase === "ready" ? (
        <a href={state.url} download>
          Download {state.format === "CSV" ? "CSV" : "Excel"}
        </a>
      ) : null}
      {state.phase === "failed" ? (
        <span className="error-text" role="alert">
          {state.message || "Export failed"}
        </span>
      ) : null}
    </span>
  );
}
