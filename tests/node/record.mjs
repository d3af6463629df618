// Shared by the client scripts: command-line input, a fetch that records every HTTP request
// the client makes, and the JSON report printed on stdout for tests/http/test_apq_clients.py.
//
// Usage: node <script>.mjs <graphql url> <token> '<{"query": "...", "calls": [{...}, ...]}>'

export function readArgs() {
  const [url, token, spec] = process.argv.slice(2);
  if (!url || !token || !spec) {
    console.error("usage: node <script>.mjs URL TOKEN '{\"query\": ..., \"calls\": [variables, ...]}'");
    process.exit(2);
  }
  const { query, calls } = JSON.parse(spec);
  return { url, token, query, calls };
}

function parseJSON(text) {
  if (text === null || text === undefined || text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What one request carried: from the URL's search parameters (GET) or the JSON body. */
function carried(method, url, body) {
  if (method === "GET") {
    const params = new URL(url).searchParams;
    return {
      query: params.get("query"),
      operationName: params.get("operationName"),
      variables: parseJSON(params.get("variables")),
      extensions: parseJSON(params.get("extensions")),
    };
  }
  const sent = typeof body === "string" ? parseJSON(body) : null;
  return {
    query: sent?.query ?? null,
    operationName: sent?.operationName ?? null,
    variables: sent?.variables ?? null,
    extensions: sent?.extensions ?? null,
  };
}

export function makeRecorder() {
  const requests = [];
  let call = null; // which client call the requests belong to (calls run one at a time)

  async function recordingFetch(input, init = {}) {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const method = (init.method || (typeof input === "object" && input.method) || "GET").toUpperCase();
    const sent = carried(method, url, init.body);
    const entry = {
      call,
      method,
      url,
      hasQuery: typeof sent.query === "string" && sent.query.length > 0,
      query: sent.query,
      hash: sent.extensions?.persistedQuery?.sha256Hash ?? null,
      operationName: sent.operationName,
      variables: sent.variables,
      extensions: sent.extensions,
    };
    requests.push(entry);
    const response = await fetch(input, init);
    const text = await response.clone().text();
    entry.response = {
      status: response.status,
      contentType: response.headers.get("content-type"),
      cache: response.headers.get("x-capgraph-cache"),
      cacheControl: response.headers.get("cache-control"),
      body: parseJSON(text),
    };
    return response;
  }

  return {
    fetch: recordingFetch,
    requests,
    startCall(index) {
      call = index;
    },
  };
}

/** Run each call in turn, then print {requests, results} as JSON. */
export async function runCalls(recorder, calls, execute) {
  const results = [];
  try {
    for (const [index, variables] of calls.entries()) {
      recorder.startCall(index);
      results.push(await execute(variables));
    }
  } catch (error) {
    console.error(error?.stack || String(error));
    console.error(JSON.stringify({ requests: recorder.requests, results }, null, 2));
    process.exit(1);
  }
  process.stdout.write(JSON.stringify({ requests: recorder.requests, results }) + "\n");
}
