// urql: persistedExchange({ preferGetForPersistedQueries: true }) in front of fetchExchange.
import { Client, fetchExchange, gql } from "@urql/core";
import { persistedExchange } from "@urql/exchange-persisted";

import { makeRecorder, readArgs, runCalls } from "./record.mjs";

const { url, token, query, calls } = readArgs();
const recorder = makeRecorder();
const client = new Client({
  url,
  exchanges: [persistedExchange({ preferGetForPersistedQueries: true }), fetchExchange],
  fetch: recorder.fetch,
  fetchOptions: { headers: { Authorization: `Bearer ${token}` } },
  requestPolicy: "network-only",
});
const document = gql(query);

await runCalls(recorder, calls, async (variables) => {
  const result = await client.query(document, variables).toPromise();
  if (result.error) throw result.error;
  return { data: result.data };
});
