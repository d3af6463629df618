// Loading and error states shared by the screens.
import { useEffect } from "react";
import type { CombinedError } from "urql";

import { describe } from "../lib/errors";
import { useSession } from "./SessionContext";

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** An error banner; an ended session sends the user back to the sign-in page. */
export function ErrorBanner({ error, retry }: { error: CombinedError; retry?: () => void }) {
  const { expired } = useSession();
  const problem = describe(error);
  useEffect(() => {
    if (problem.kind === "unauthenticated") expired();
  }, [problem.kind, expired]);
  return (
    <div className={`banner error ${problem.kind}`} role="alert">
      {problem.message}
      {retry && problem.kind !== "unauthenticated" ? (
        <>
          {" "}
          <button onClick={retry}>Retry</button>
        </>
      ) : null}
    </div>
  );
}
