import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { NavLink, Navigate, Route, Routes } from "react-router-dom";
import { Provider } from "urql";

import { makeClient } from "./client";
// The app's routes, one list: the server gives index.html to these paths only.
import ROUTES from "./routes.json";
import { SessionContext } from "./components/SessionContext";
import { DRAFTS_KEY } from "./lib/gridEdits";
import { currentSession, logOut, type Session } from "./lib/session";
import { FindAvailable } from "./screens/FindAvailable";
import { Grid } from "./screens/Grid";
import { Heatmap } from "./screens/Heatmap";
import { Login } from "./screens/Login";
import { ProjectAvailability } from "./screens/ProjectAvailability";

// The chart library is most of the bundle: loaded with the one screen that draws charts.
const RoleCapacity = lazy(() =>
  import("./screens/RoleCapacity").then((m) => ({ default: m.RoleCapacity })),
);

type State =
  | { phase: "checking" }
  | { phase: "offline" }
  | { phase: "signedOut"; notice?: string }
  | { phase: "signedIn"; session: Session };

export function App() {
  const [state, setState] = useState<State>({ phase: "checking" });
  // A new client per sign-in: nothing of one user's answers survives into the next.
  const client = useMemo(
    () => makeClient(),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [state.phase === "signedIn" ? state.session.username : null],
  );

  const check = useCallback(() => {
    currentSession()
      .then((s) => setState(s.authenticated ? { phase: "signedIn", session: s } : { phase: "signedOut" }))
      .catch(() => setState({ phase: "offline" }));
  }, []);
  useEffect(check, [check]);

  const expired = useCallback(
    () => setState({ phase: "signedOut", notice: "Your session has ended. Sign in again." }),
    [],
  );

  if (state.phase === "checking") return <p className="loading page">Loading capgraph…</p>;
  if (state.phase === "offline") {
    return (
      <div className="page banner error" role="alert">
        Cannot reach capgraph. Check your connection.{" "}
        <button onClick={check}>Retry</button>
      </div>
    );
  }
  if (state.phase === "signedOut") {
    return (
      <Login
        notice={state.notice}
        onSignedIn={(session) => setState({ phase: "signedIn", session })}
      />
    );
  }
  return (
    <SessionContext.Provider value={{ session: state.session, expired }}>
      <Provider value={client}>
        <header className="top">
          <strong className="brand">capgraph</strong>
          <nav>
            <NavLink to="/heatmap">Heatmap</NavLink>
            <NavLink to="/grid">Assignments</NavLink>
            <NavLink to="/find">Find available</NavLink>
            <NavLink to="/projects">Projects</NavLink>
            <NavLink to="/roles">Role capacity</NavLink>
          </nav>
          <span className="who">
            {state.session.username}{" "}
            <button
              className="link"
              onClick={() => {
                sessionStorage.removeItem(DRAFTS_KEY); // unsaved edits are this user's
                logOut().finally(() => setState({ phase: "signedOut" }));
              }}
            >
              Sign out
            </button>
          </span>
        </header>
        <main>
          <Routes>
            <Route path={ROUTES.heatmap} element={<Heatmap />} />
            <Route path={ROUTES.grid} element={<Grid />} />
            <Route path={ROUTES.find} element={<FindAvailable />} />
            <Route path={ROUTES.projects} element={<ProjectAvailability />} />
            <Route
              path={ROUTES.roles}
              element={
                <Suspense fallback={<p className="loading">Loading charts…</p>}>
                  <RoleCapacity />
                </Suspense>
              }
            />
            <Route path="*" element={<Navigate to="/heatmap" replace />} />
          </Routes>
        </main>
      </Provider>
    </SessionContext.Provider>
  );
}
