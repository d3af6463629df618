import { createContext, useContext } from "react";

import type { Session } from "../lib/session";

export const SessionContext = createContext<{ session: Session; expired: () => void } | null>(
  null,
);

export function useSession() {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionContext");
  return value;
}
