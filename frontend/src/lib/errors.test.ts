import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";

import { describe as explain } from "./errors";

const graphQL = (code: string, message: string, extra: Record<string, unknown> = {}) => ({
  graphQLErrors: [new GraphQLError(message, { extensions: { code, ...extra } })],
  networkError: undefined,
  response: { status: 200 },
});

describe("describe", () => {
  it("turns codes into what a planner can act on", () => {
    expect(explain(graphQL("UNAUTHENTICATED", "Authentication required")).kind).toBe(
      "unauthenticated",
    );
    expect(explain({ ...graphQL("RATE_LIMITED", "Rate limit"), response: { status: 429 } })).toEqual({
      kind: "rate_limited",
      message: "Too many requests for now. Wait a minute, then retry.",
    });
    expect(
      explain(
        graphQL("CONFLICT", "Assignment changed", {
          conflicts: [{ assignmentId: "7", currentVersion: 4 }],
        }),
      ),
    ).toEqual({
      kind: "conflict",
      message: "Assignment changed",
      conflicts: [{ assignmentId: "7", currentVersion: 4 }],
    });
    expect(explain(graphQL("BAD_USER_INPUT", "weeks must be 1..26", { field: "weeks" }))).toEqual({
      kind: "bad_input",
      message: "weeks must be 1..26",
      field: "weeks",
    });
  });
  it("names the argument a NOT_FOUND is about (a stale department in a link)", () => {
    expect(explain(graphQL("NOT_FOUND", "Department 9999 not found", { field: "department" }))).toEqual({
      kind: "not_found",
      message: "Department 9999 not found",
      field: "department",
    });
  });
  it("reports a server out of reach", () => {
    expect(
      explain({ graphQLErrors: [], networkError: new TypeError("Failed to fetch"), response: undefined }),
    ).toEqual({ kind: "network", message: "Cannot reach capgraph. Check your connection, then retry." });
  });
});
