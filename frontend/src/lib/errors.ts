// What went wrong, in words a planner can act on, from urql's CombinedError.
import type { CombinedError } from "urql";

export type Problem =
  | { kind: "unauthenticated"; message: string }
  | { kind: "rate_limited"; message: string }
  | { kind: "network"; message: string }
  | { kind: "conflict"; message: string; conflicts: Conflict[] }
  | { kind: "bad_input"; message: string; field?: string }
  | { kind: "not_found"; message: string; field?: string }
  | { kind: "other"; message: string };

export type Conflict = { assignmentId: string; currentVersion: number };

type ErrorLike = Pick<CombinedError, "networkError" | "graphQLErrors" | "response">;

export function describe(error: ErrorLike): Problem {
  const first = error.graphQLErrors[0];
  const code = first?.extensions?.code;
  if (code === "UNAUTHENTICATED") {
    return { kind: "unauthenticated", message: "Your session has ended. Sign in again." };
  }
  if (code === "RATE_LIMITED" || statusOf(error) === 429) {
    return {
      kind: "rate_limited",
      message: "Too many requests for now. Wait a minute, then retry.",
    };
  }
  if (code === "CONFLICT") {
    const conflicts = (first?.extensions?.conflicts as Conflict[] | undefined) ?? [];
    return { kind: "conflict", message: first?.message ?? "Changed elsewhere", conflicts };
  }
  if (code === "BAD_USER_INPUT" || code === "NOT_FOUND") {
    // both name the argument they are about: a screen can act on it (a stale department)
    const field = first?.extensions?.field;
    return {
      kind: code === "NOT_FOUND" ? "not_found" : "bad_input",
      message: first?.message ?? (code === "NOT_FOUND" ? "Not found" : "Invalid input"),
      field: typeof field === "string" ? field : undefined,
    };
  }
  if (first) return { kind: "other", message: first.message };
  if (error.networkError) {
    return {
      kind: "network",
      message: "Cannot reach capgraph. Check your connection, then retry.",
    };
  }
  return { kind: "other", message: "Something went wrong." };
}

function statusOf(error: ErrorLike): number | undefined {
  const response = error.response as { status?: number } | undefined;
  return response?.status;
}
