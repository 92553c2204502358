// The framed app: boot, capabilities, the shell (header, navigation) and the router.
import { configureApi, currentSession, get, onSession } from "./api.js";
import { button, clear, errorBox, h, icon } from "./dom.js";
import { emitToHost, isEmbedded, onHost, toHost } from "./host.js";
import { locale, setLocale, t } from "./i18n.js";
import { applyTheme, validAppearance } from "./theme.js";
import alerts from "./views/alerts.js";
import bridges from "./views/bridges.js";
import home from "./views/home.js";
import orders from "./views/orders.js";
import requests from "./views/requests.js";
import tracking from "./views/tracking.js";
import webhooks from "./views/webhooks.js";

const boot = JSON.parse(document.body.dataset.boot || "{}");
const root = document.getElementById("orderly-app");
configureApi(boot.apiBase || "/api/v1/");
setLocale(new URLSearchParams(location.search).get("locale") || "en");
let appearance = {};
applyTheme(boot.branding, appearance);

const VIEWS = { home, bridges, orders, tracking, requests, alerts, webhooks };
const ORDER = ["home", "bridges", "orders", "tracking", "requests", "alerts", "webhooks"];
const NAV_ICONS = { home: "home", bridges: "plug", orders: "list", tracking: "pin", requests: "check", alerts: "bell", webhooks: "hook" };

// What the session may see: a view needs its feature enabled and its read scope granted.
const CAPABILITIES = {
  bridges: { feature: "bridges", scope: "bridges:read", probe: ["embed/bridges", { limit: 1 }] },
  orders: { feature: "data_room", scope: "orders:read", probe: ["embed/orders", { limit: 1 }] },
  tracking: { feature: "data_room", scope: "shipments:read", probe: ["embed/shipments", { limit: 1 }] },
  requests: { feature: "action_requests", scope: "actions:read", probe: ["embed/action-requests", { limit: 1 }] },
  alerts: { feature: "smart_alerts", scope: "alerts:read", probe: ["embed/alerts/notifications", { limit: 1 }] },
  webhooks: { feature: "end_user_webhooks", scope: "webhooks:read", probe: ["embed/webhooks"] },
  trackingLinks: { feature: "branded_tracking", scope: "tracking:read", probe: ["embed/tracking-pages", { limit: 1 }] },
  timeline: { feature: "data_room", scope: "tracking:read" },
};

const state = { view: null, params: {}, can: {}, scopes: null, renderId: 0, started: false, unread: null };

async function detectCapabilities() {
  const session = currentSession() || {};
  const known = session.scopes && session.enabledFeatures;
  const entries = await Promise.all(
    Object.entries(CAPABILITIES).map(async ([name, cap]) => {
      if (known) return [name, session.enabledFeatures.includes(cap.feature) && session.scopes.includes(cap.scope)];
      if (!cap.probe) return [name, null];
      try {
        const body = await get(...cap.probe);
        if (name === "alerts" && typeof body.unreadCount === "number") state.unread = body.unreadCount;
        return [name, true];
      } catch (error) {
        // A 403 (feature disabled, scope missing) hides the view; anything else is shown in it.
        return [name, error.status !== 403];
      }
    })
  );
  state.can = Object.fromEntries(entries);
  if (state.can.timeline === null) state.can.timeline = state.can.tracking || state.can.orders;
  state.scopes = session.scopes || null;
}

const ctx = {
  boot,
  can: (name) => !!state.can[name],
  // Write scopes are only known when the host handed over the session's scopes; otherwise the
  // action is offered and the API's 403 is shown if it refuses.
  canWrite: (scope) => (state.scopes ? state.scopes.includes(scope) : true),
  go: (view, params = {}) => go(view, params),
  emit: (name, detail) => emitToHost(name, detail),
  setUnread(count) {
    state.unread = count;
    renderNav();
  },
  trackingUrl: (token) => `${boot.trackingBase || `${location.origin}/t/`}${encodeURIComponent(token)}`,
};

let nav;
let main;

function allowedViews() {
  return ORDER.filter((view) => view === "home" || state.can[view]);
}

function renderShell() {
  const branding = boot.branding || {};
  const brand = branding.logo_url
    ? h("img", { class: "o-logo", src: branding.logo_url, alt: branding.company_name || "" })
    : h("span", { class: "o-company" }, branding.company_name || "");
  nav = h("nav", { class: "o-nav", "aria-label": t("nav.label") });
  main = h("main", { class: "o-main", id: "o-main" });
  clear(root, h("header", { class: "o-header" }, brand), nav, main);
  root.removeAttribute("aria-busy");
  renderNav();
  toHost("title", { title: t("app.title", { company: branding.company_name || "Orderly" }) });
}

function renderNav() {
  if (!nav) return;
  const items = allowedViews().map((view) => {
    const label = [icon(NAV_ICONS[view]), h("span", {}, t(`nav.${view}`))];
    if (view === "alerts" && state.unread) {
      label.push(h("span", { class: "o-count", "aria-label": t("alerts.unread_count", { count: state.unread }) }, String(state.unread)));
    }
    return h("li", {}, button(label, () => go(view), { variant: "tab", "aria-current": state.view === view ? "page" : null, dataset: { view } }));
  });
  clear(nav, h("ul", {}, items));
}

async function go(view, params = {}, { focus = true, announce = true } = {}) {
  if (!allowedViews().includes(view)) view = "home";
  const changed = view !== state.view;
  state.view = view;
  state.params = params;
  renderNav();
  const id = ++state.renderId;
  const container = h("div", { class: `o-view o-view-${view}`, dataset: { view } });
  clear(main, container);
  try {
    await VIEWS[view].render(container, ctx, params, () => id === state.renderId);
  } catch (error) {
    if (id === state.renderId) clear(container, errorBox(error, () => go(view, params)));
  }
  if (id !== state.renderId) return;
  if (focus && state.started) {
    const title = container.querySelector("h1");
    if (title) title.focus();
  }
  if (changed && announce && state.started) emitToHost("navigate", { view });
}

function sessionEnded({ loggedOut = false } = {}) {
  state.renderId++;
  const message = loggedOut ? t("session.logged_out") : t("session.expired");
  clear(main || root, h("div", { class: "o-state o-error", role: "alert" }, h("h1", { tabindex: "-1" }, message)));
  root.removeAttribute("aria-busy");
}

onSession("session", async ({ first }) => {
  if (!first || state.started) return;
  try {
    await detectCapabilities();
  } catch (error) {
    clear(root, errorBox(error));
    return;
  }
  renderShell();
  await go(boot.view || "home", {}, { focus: false });
  state.started = true;
  emitToHost("ready", { view: state.view });
});

onSession("expired", (info) => {
  if (state.started || (info && info.loggedOut)) sessionEnded(info);
  else clear(root, h("div", { class: "o-state o-error", role: "alert" }, h("p", {}, t("session.unavailable"))));
});

onHost("update", (m) => {
  const { valid, rejected } = validAppearance(m.appearance || {});
  if (rejected.length) emitToHost("error", { code: "invalid_appearance", message: `Ignored appearance values: ${rejected.join(", ")}` });
  appearance = valid;
  applyTheme(boot.branding, appearance);
  const before = locale();
  if (m.locale) setLocale(m.locale);
  if (state.started && before !== locale()) {
    renderShell();
    go(state.view, state.params, { focus: false, announce: false });
  }
});

onHost("navigate", (m) => {
  // The host asked: the keyboard focus stays where the user has it.
  if (state.started && typeof m.view === "string") go(m.view, {}, { focus: false });
});

// The loader sizes the frame to the content, so the frame never scrolls inside.
const reportHeight = () => toHost("resize", { height: Math.ceil(root.getBoundingClientRect().height) });
new ResizeObserver(reportHeight).observe(root);

if (isEmbedded()) toHost("ready");
else clear(root, h("div", { class: "o-state o-error", role: "alert" }, h("p", {}, t("session.not_embedded"))));
