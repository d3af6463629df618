// The urql client: every operation goes out as the sha256 hash of a document from the
// generated manifest (never its text), queries over GET so HTTP caches and ETags work.
import { persistedExchange } from "@urql/exchange-persisted";
import { Client, fetchExchange } from "urql";

import { csrfToken } from "./lib/session";

type WithHash = { __meta__?: { hash?: string } };

export function makeClient(): Client {
  return new Client({
    url: "/graphql",
    exchanges: [
      persistedExchange({
        enforcePersistedQueries: true,
        enableForMutation: true,
        preferGetForPersistedQueries: true,
        generateHash: async (_query, document) => {
          const hash = (document as WithHash).__meta__?.hash;
          if (!hash) throw new Error("document is not in the persisted-documents manifest");
          return hash.replace(/^sha256:/, ""); // APQ's sha256Hash is the bare hex digest
        },
      }),
      fetchExchange,
    ],
    // Revalidate with the server every time (ETag -> 304): after a save no screen shows an
    // answer the browser kept from before it.
    fetchOptions: () => ({
      cache: "no-cache",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    }),
    requestPolicy: "network-only",
  });
}
