// The urql client: every operation goes out as the sha256 hash of a document from the
// generated manifest (never its text), queries over GET so HTTP caches and ETags work.
// Subscriptions (the grid's live "changed elsewhere" marker) go over one lazy WebSocket to
// /graphql (graphql-transport-ws, the `graphql-ws` client), by hash as well; the browser
// sends the session cookie with its handshake, and the server checks the page's origin.
import { persistedExchange } from "@urql/exchange-persisted";
import { createClient as createWsClient } from "graphql-ws";
import { Client, fetchExchange, subscriptionExchange } from "urql";

import { socketUrl } from "./lib/liveChanges";
import { csrfToken } from "./lib/session";

type WithHash = { __meta__?: { hash?: string } };

export function makeClient(): Client {
  const ws = createWsClient({
    url: socketUrl(window.location),
    lazy: true, // opened by the first subscription, closed a while after the last one ends
    lazyCloseTimeout: 3000,
    retryAttempts: 20, // a restarted server: reconnect and subscribe again
  });
  return new Client({
    url: "/graphql",
    exchanges: [
      persistedExchange({
        enforcePersistedQueries: true,
        enableForMutation: true,
        enableForSubscriptions: true,
        preferGetForPersistedQueries: true,
        generateHash: async (_query, document) => {
          const hash = (document as WithHash).__meta__?.hash;
          if (!hash) throw new Error("document is not in the persisted-documents manifest");
          return hash.replace(/^sha256:/, ""); // APQ's sha256Hash is the bare hex digest
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          // The hash in extensions.persistedQuery and no text (persistedExchange left it
          // out); graphql-ws insists on a `query` string, so an empty one stands for none.
          const payload = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              return { unsubscribe: ws.subscribe(payload, sink) };
            },
          };
        },
      }),
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
