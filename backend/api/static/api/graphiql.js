// GraphiQL for capgraph (api/graphiql.py renders the page and its config).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("graphiql-config").textContent);
  // The session's CSRF token: a signed-in user (web app or admin) needs no bearer token.
  var headers = config.csrfToken ? { "X-CSRFToken": config.csrfToken } : {};
  var fetcher = GraphiQL.createFetcher({ url: config.endpoint, headers: headers });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      // The first visit opens one tab with the README's example, the headers editor shown.
      defaultQuery: config.exampleQuery,
      defaultTabs: [{ query: config.exampleQuery }],
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: "headers",
      inputValueDeprecation: true,
    }),
  );
})();
