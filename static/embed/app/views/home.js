// Home: the store at a glance — bridges and their health, orders needing attention, open
// requests, unread alerts. Each card loads on its own, so one refusal never blanks the page.
import { get } from "../api.js";
import { badge, button, card, clear, empty, errorBox, h, heading, icon, loading, when, BRIDGE_ICONS } from "../dom.js";
import { t } from "../i18n.js";

function section(title, load) {
  const body = h("div", {}, loading());
  const el = card(title, body);
  const run = async () => {
    clear(body, loading());
    try {
      clear(body, await load());
    } catch (error) {
      clear(body, errorBox(error, run));
    }
  };
  return { el, run };
}

function stat(count, label, onclick) {
  return h("div", { class: "o-stat" }, h("span", { class: "o-stat-value" }, String(count)), " ", onclick ? button(label, onclick, { variant: "link" }) : h("span", {}, label));
}

export default {
  async render(root, ctx) {
    const cards = [];
    if (ctx.can("bridges")) {
      cards.push(
        section(t("home.bridges"), async () => {
          const { data } = await get("embed/bridges", { limit: 50 });
          if (!data.length) return h("div", {}, empty(t("home.no_bridges")), button(t("home.connect_first"), () => ctx.go("bridges"), { variant: "primary" }));
          const types = Object.fromEntries((ctx.boot.allowedBridgeTypes || []).map((bt) => [bt.id, bt]));
          return h(
            "ul",
            { class: "o-list" },
            data.map((bridge) =>
              h(
                "li",
                { class: "o-row" },
                icon(BRIDGE_ICONS[(types[bridge.type] || {}).icon] || "plug"),
                h("div", { class: "o-grow" }, h("strong", {}, bridge.name), h("div", { class: "o-muted" }, t("bridges.last_sync"), " ", when(bridge.last_sync_at)), bridge.error_message ? h("p", { class: "o-danger-text" }, bridge.error_message) : null),
                badge("bridge_status", bridge.status)
              )
            )
          );
        })
      );
    }
    if (ctx.can("orders") || ctx.can("tracking")) {
      cards.push(
        section(t("home.attention"), async () => {
          const [held, exceptions, failed] = await Promise.all([
            ctx.can("orders") ? get("embed/orders", { status: "on_hold", limit: 1 }) : null,
            ctx.can("tracking") ? get("embed/shipments", { status: "exception", limit: 1 }) : null,
            ctx.can("tracking") ? get("embed/shipments", { status: "failed_attempt", limit: 1 }) : null,
          ]);
          const rows = [];
          if (held) rows.push(stat(held.pagination.total, t("home.orders_on_hold"), () => ctx.go("orders", { status: "on_hold" })));
          if (exceptions) rows.push(stat(exceptions.pagination.total, t("home.shipment_exceptions"), () => ctx.go("tracking", { status: "exception" })));
          if (failed) rows.push(stat(failed.pagination.total, t("home.failed_attempts"), () => ctx.go("tracking", { status: "failed_attempt" })));
          return h("div", { class: "o-stats" }, rows);
        })
      );
    }
    if (ctx.can("requests")) {
      cards.push(
        section(t("home.requests"), async () => {
          const pending = await get("embed/action-requests", { status: "pending", limit: 1 });
          return h("div", { class: "o-stats" }, stat(pending.pagination.total, t("home.open_requests"), () => ctx.go("requests", { status: "pending" })));
        })
      );
    }
    if (ctx.can("alerts")) {
      cards.push(
        section(t("home.alerts"), async () => {
          const inbox = await get("embed/alerts/notifications", { unread: "true", limit: 1 });
          ctx.setUnread(inbox.unreadCount);
          return h("div", { class: "o-stats" }, stat(inbox.unreadCount, t("home.unread_alerts"), () => ctx.go("alerts")));
        })
      );
    }
    clear(root, heading(t("home.title")), cards.length ? h("div", { class: "o-grid" }, cards.map((c) => c.el)) : empty(t("home.nothing_enabled")));
    await Promise.all(cards.map((c) => c.run()));
  },
};
