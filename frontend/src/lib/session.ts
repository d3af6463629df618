// The Django session the web app signs in with (cookies; CSRF token in a header on POST).

export type Session = { authenticated: boolean; username: string | null; isStaff: boolean };

export function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]!) : "";
}

async function post(url: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export async function currentSession(): Promise<Session> {
  const r = await fetch("/auth/session", { credentials: "same-origin" });
  if (!r.ok) throw new Error(`session check failed (${r.status})`);
  return (await r.json()) as Session;
}

export async function logIn(username: string, password: string): Promise<Session> {
  await currentSession(); // a CSRF cookie first
  const r = await post("/auth/login", { username, password });
  const body = (await r.json()) as Session & { error?: string };
  if (!r.ok) throw new Error(body.error ?? `sign-in failed (${r.status})`);
  return body;
}

export async function logOut(): Promise<void> {
  await post("/auth/logout");
}
