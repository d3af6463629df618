import { describe, expect, it } from "vitest";

import { changedElsewhere, noteEvent, socketUrl, type LiveVersions } from "./liveChanges";

const row = { id: "7", version: 3 };
const none = new Set<string>();

describe("noteEvent", () => {
  it("keeps the newest version per assignment", () => {
    let seen: LiveVersions = {};
    seen = noteEvent(seen, { assignmentId: "7", operation: "UPDATE", version: 4 });
    seen = noteEvent(seen, { assignmentId: "9", operation: "CREATE", version: 1 });
    expect(seen).toEqual({ "7": 4, "9": 1 });
    const same = noteEvent(seen, { assignmentId: "7", operation: "UPDATE", version: 4 });
    expect(same).toBe(seen); // nothing new: the same object, no re-render
    expect(noteEvent(seen, { assignmentId: "7", operation: "UPDATE", version: 2 })).toBe(seen);
    expect(noteEvent(seen, { assignmentId: "7", operation: "UPDATE", version: null })).toBe(seen);
  });

  it("marks a removal above every version", () => {
    const seen = noteEvent({ "7": 4 }, { assignmentId: "7", operation: "DELETE", version: null });
    expect(seen["7"]).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("changedElsewhere", () => {
  it("marks a row whose live version is newer than the one shown", () => {
    expect(changedElsewhere({ "7": 4 }, row, none)).toBe(true);
    expect(changedElsewhere({ "7": Number.POSITIVE_INFINITY }, row, none)).toBe(true);
  });

  it("does not mark the grid's own save: its answer shows the same version", () => {
    expect(changedElsewhere({ "7": 4 }, { id: "7", version: 4 }, none)).toBe(false);
    expect(changedElsewhere({ "7": 3 }, row, none)).toBe(false);
    expect(changedElsewhere({}, row, none)).toBe(false);
  });

  it("does not mark a row while its own save is in flight (its event may come first)", () => {
    expect(changedElsewhere({ "7": 4 }, row, new Set(["7"]))).toBe(false);
    expect(changedElsewhere({ "7": 4 }, row, new Set(["9"]))).toBe(true);
  });
});

describe("socketUrl", () => {
  it("is the page's origin with the WebSocket scheme", () => {
    expect(socketUrl({ protocol: "http:", host: "127.0.0.1:8000" })).toBe("ws://127.0.0.1:8000/graphql");
    expect(socketUrl({ protocol: "https:", host: "plan.example" })).toBe("wss://plan.example/graphql");
  });
});
