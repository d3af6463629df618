// Apollo Client: createPersistedQueryLink({ sha256, useGETForHashedQueries: true }) in front
// of HttpLink.
import { createHash } from "node:crypto";

import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries";

import { makeRecorder, readArgs, runCalls } from "./record.mjs";

const { url, token, query, calls } = readArgs();
const recorder = makeRecorder();
const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const client = new ApolloClient({
  link: createPersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
    new HttpLink({ uri: url, fetch: recorder.fetch, headers: { Authorization: `Bearer ${token}` } }),
  ),
  cache: new InMemoryCache(),
});
const document = gql(query);

await runCalls(recorder, calls, async (variables) => {
  const result = await client.query({ query: document, variables, fetchPolicy: "network-only" });
  if (result.error) throw result.error;
  return { data: result.data };
});
