// The embed API with the end user's session token: the same public API any client uses.
// The token is kept in this module's memory only and sent as `Authorization: Bearer`.
import { onHost, toHost } from "./host.js";

let session = null; // {token, expiresAt, scopes, enabledFeatures}
let waiting = []; // resolvers waiting for a token
let refreshTimer = null;
let refreshing = null;
let listeners = { session: [], expired: [] };
let apiBase = "/api/v1/";

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

export function configureApi(base) {
  apiBase = base;
}

export function onSession(kind, handler) {
  listeners[kind].push(handler);
}

export const currentSession = () => (session ? { expiresAt: session.expiresAt, scopes: session.scopes, enabledFeatures: session.enabledFeatures } : null);

function settle(error) {
  const pending = waiting;
  waiting = [];
  for (const { resolve, reject } of pending) (error ? reject(error) : resolve(session.token));
}

onHost("session", (m) => {
  if (typeof m.token !== "string" || !m.token) return;
  const first = session === null;
  session = {
    token: m.token,
    expiresAt: m.expiresAt || null,
    scopes: Array.isArray(m.scopes) ? m.scopes : null,
    enabledFeatures: Array.isArray(m.enabledFeatures) ? m.enabledFeatures : null,
  };
  scheduleRefresh();
  settle(null);
  for (const handler of listeners.session) handler({ first });
});

onHost("session_failed", () => {
  session = null;
  settle(new ApiError(401, "session_unavailable", "session unavailable"));
  for (const handler of listeners.expired) handler();
});

onHost("logout", () => {
  session = null;
  clearTimeout(refreshTimer);
  settle(new ApiError(401, "session_unavailable", "logged out"));
  for (const handler of listeners.expired) handler({ loggedOut: true });
});

// Ask for a fresh token a little before this one expires (a fifth of its life, 5–60 s early).
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (!session || !session.expiresAt) return;
  const expires = new Date(session.expiresAt).getTime();
  const lifetime = Math.max(0, expires - Date.now());
  const margin = Math.min(60000, Math.max(5000, lifetime * 0.2));
  // A token that looks nearly spent on arrival means this clock runs ahead of the server's (or
  // the TTL is tiny): a timer would ask again and again, so the 401 path alone refreshes it.
  if (lifetime < 2 * margin) return;
  refreshTimer = setTimeout(() => requestToken().catch(() => {}), lifetime - margin);
}

function requestToken() {
  if (!refreshing) {
    refreshing = new Promise((resolve, reject) => {
      waiting.push({ resolve, reject });
      toHost("token_request");
    }).finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

function token() {
  if (session) return Promise.resolve(session.token);
  return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
}

export async function api(method, path, { query, body, idempotent = false } = {}) {
  let url = apiBase + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, v);
    const qs = params.toString();
    if (qs) url += `?${qs}`;
  }
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  // A retried create (a double click, a flaky network) must not file twice.
  if (idempotent && method === "POST") headers["Idempotency-Key"] = crypto.randomUUID();
  for (let attempt = 0; ; attempt++) {
    const bearer = await token();
    let response;
    try {
      response = await fetch(url, {
        method,
        headers: { ...headers, Authorization: `Bearer ${bearer}` },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
    } catch (e) {
      throw new ApiError(0, "network", "");
    }
    if (response.status === 401 && attempt === 0) {
      // Expired or revoked: get a new token from the host and try once more. Requests that
      // failed together share one refresh; one that fails after it simply uses the new token.
      if (session && session.token !== bearer) continue;
      session = null;
      await requestToken();
      continue;
    }
    let json = null;
    try {
      json = await response.json();
    } catch (e) {
      json = null;
    }
    if (!response.ok) {
      const err = (json && json.error) || {};
      throw new ApiError(response.status, err.code || `http_${response.status}`, err.message, err.details);
    }
    return json;
  }
}

export const get = (path, query) => api("GET", path, { query });
export const post = (path, body, opts = {}) => api("POST", path, { body, ...opts });
export const patch = (path, body) => api("PATCH", path, { body });
export const del = (path) => api("DELETE", path);
