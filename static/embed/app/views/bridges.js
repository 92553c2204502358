// Bridges: connect the types the config and session allow (forms generated from each type's
// config_fields; secrets as password inputs, never echoed back), Shopify through an OAuth popup,
// test, sync now and the sync history, rename, update credentials, disconnect.
import { del, get, patch, post } from "../api.js";
import {
  BRIDGE_ICONS, badge, button, card, clear, confirmInline, empty, errorBox, field, formValues, h, heading,
  icon, loading, showFieldErrors, statusLine, when,
} from "../dom.js";
import { t } from "../i18n.js";

const OAUTH_POLL_MS = 1500;
const SYNC_POLL_MS = 2000;
const OAUTH_GIVE_UP_MS = 10 * 60 * 1000; // the OAuth state's lifetime

function configFields(type, current = {}, { forUpdate = false } = {}) {
  return (type.config_fields || []).map((f) => {
    if (f.secret) {
      const masked = current[f.name];
      return field({
        label: f.label,
        name: f.name,
        type: "password",
        required: f.required && !forUpdate,
        autocomplete: "new-password",
        help: forUpdate && masked ? t("bridges.secret_keep", { masked }) : t("bridges.secret_help"),
      });
    }
    return field({ label: f.label, name: f.name, type: f.type === "url" ? "url" : "text", required: f.required && !forUpdate, value: current[f.name] || "", autocomplete: "off" });
  });
}

function connectForm(type, ctx, onConnected) {
  const status = statusLine();
  const form = h(
    "form",
    { class: "o-form", novalidate: true, "aria-label": t("bridges.connect_type", { name: type.name }) },
    field({ label: t("bridges.name"), name: "name", required: true, value: type.name, maxlength: 200 }),
    configFields(type),
    h("div", { class: "o-actions" }, button(t("bridges.connect"), null, { type: "submit", variant: "primary" })),
    status.el
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = formValues(form);
    const config = {};
    for (const f of type.config_fields || []) if (values[f.name]) config[f.name] = values[f.name];
    status.busy(t("bridges.connecting"));
    try {
      const { data } = await post("embed/bridges", { type: type.id, name: values.name, config }, { idempotent: true });
      form.reset(); // secrets leave the page as soon as they are stored
      status.ok(t("bridges.connected", { name: data.name }));
      ctx.emit("bridge_connected", { bridgeId: data.id, type: data.type });
      onConnected();
    } catch (error) {
      const rest = showFieldErrors(form, error);
      status.fail(rest.length ? rest.join(" ") : error);
    }
  });
  return form;
}

function shopifyForm(type, ctx, onConnected) {
  const status = statusLine();
  const form = h(
    "form",
    { class: "o-form", novalidate: true, "aria-label": t("bridges.shopify_connect") },
    h("p", {}, t("bridges.shopify_intro")),
    field({ label: t("bridges.shop_domain"), name: "shopDomain", required: true, placeholder: "mystore.myshopify.com", autocomplete: "off" }),
    h("div", { class: "o-actions" }, button(t("bridges.shopify_connect"), null, { type: "submit", variant: "primary" })),
    status.el
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { shopDomain } = formValues(form);
    // Opened now, while the click still counts as a user gesture; pointed at Shopify below.
    const popup = window.open("", "orderly-shopify-oauth", "popup,width=640,height=760");
    status.busy(t("bridges.shopify_waiting"));
    let started;
    try {
      started = (await post("embed/bridges/shopify/oauth/start", { shopDomain }, { idempotent: true })).data;
    } catch (error) {
      if (popup) popup.close();
      const rest = showFieldErrors(form, error);
      status.fail(rest.length ? rest.join(" ") : error);
      return;
    }
    if (popup) popup.location.href = started.authUrl;
    else {
      status.fail(t("bridges.popup_blocked"));
      form.append(h("a", { href: started.authUrl, target: "_blank", rel: "opener" }, t("bridges.open_shopify")));
    }
    const bridge = await waitForOAuth(started.bridgeId, popup);
    if (bridge && bridge.status === "active") {
      status.ok(t("bridges.connected", { name: bridge.name }));
      ctx.emit("bridge_connected", { bridgeId: bridge.id, type: bridge.type });
      form.reset();
    } else if (bridge) {
      status.fail(bridge.error_message || t("bridges.oauth_failed"));
    } else status.fail(t("bridges.oauth_timeout"));
    onConnected();
  });
  return form;
}

// The callback page is on this origin; the popup reports back by message when it can, and the
// bridge's status is polled through the API in any case (an opener relation may be cut).
function waitForOAuth(bridgeId, popup) {
  return new Promise((resolve) => {
    const started = Date.now();
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      window.removeEventListener("message", onMessage);
      clearTimeout(timer);
      resolve(value);
    };
    const check = async () => {
      try {
        const { data } = await get(`embed/bridges/${bridgeId}`);
        if (data.status !== "pending") return finish(data);
      } catch (error) {
        if (error.status === 404) return finish(null);
      }
      if (Date.now() - started > OAUTH_GIVE_UP_MS) return finish(null);
      timer = setTimeout(check, OAUTH_POLL_MS);
    };
    const onMessage = (event) => {
      if (event.origin !== location.origin || !popup || event.source !== popup) return;
      if (event.data && event.data.type === "orderly:bridge-connected") {
        clearTimeout(timer);
        check();
      }
    };
    window.addEventListener("message", onMessage);
    let timer = setTimeout(check, OAUTH_POLL_MS);
  });
}

// `outcome` ({ ok } or { fail }): a message the card opens with, when it replaces one that asked.
function bridgeCard(bridge, type, ctx, reload, outcome) {
  const panel = h("div", { class: "o-panel" });
  const status = statusLine();
  if (outcome && outcome.ok) status.ok(outcome.ok);
  else if (outcome && outcome.fail) status.fail(outcome.fail);
  const canWrite = ctx.canWrite("bridges:write");
  const toggle = (render) => () => {
    const open = panel.dataset.open === render.name;
    clear(panel);
    panel.dataset.open = open ? "" : render.name;
    if (!open) render();
  };

  async function syncNow() {
    status.busy(t("bridges.sync_starting"));
    try {
      const run = (await post(`embed/bridges/${bridge.id}/sync`, undefined, { idempotent: true })).data;
      status.ok(t("bridges.sync_started", { status: t(`sync_status.${run.status}`, {}, run.status) }));
      panel.dataset.open = "";
      toggle(history)();
    } catch (error) {
      status.fail(error);
    }
  }

  // The bridge's runs, newest first; a queued or running one is polled until it ends.
  async function history() {
    const slot = h("div", { class: "o-sync-runs" }, loading());
    clear(panel, h("h4", {}, t("bridges.sync_history")), slot);
    let runs;
    try {
      runs = (await get(`embed/bridges/${bridge.id}/syncs`, { limit: 10 })).data;
    } catch (error) {
      clear(slot, errorBox(error, history));
      return;
    }
    if (panel.dataset.open !== "history") return;
    if (!runs.length) {
      clear(slot, empty(t("bridges.no_syncs")));
      return;
    }
    clear(
      slot,
      h(
        "ul",
        { class: "o-list" },
        runs.map((run) =>
          h(
            "li",
            { dataset: { syncRunId: run.id } },
            badge("sync_status", run.status),
            " ",
            t("bridges.sync_counts", { created: run.orders_created, updated: run.orders_updated, skipped: run.orders_skipped }),
            " · ",
            when(run.started_at || run.created_at),
            run.error_message ? h("div", { class: "o-danger-text" }, run.error_message) : null
          )
        )
      )
    );
    if (runs.some((run) => run.status === "queued" || run.status === "running")) {
      setTimeout(() => {
        if (panel.dataset.open === "history" && panel.isConnected) history().then(() => reload({ keepStatus: true }));
      }, SYNC_POLL_MS);
    }
  }

  // A test changes the bridge (its status, its error), so the list is reloaded; the outcome is
  // shown in the card that replaces this one, once it is in place: shown here first, it vanished
  // with this card, and a panel opened meanwhile (rename, disconnect) was lost with it.
  async function test() {
    status.busy(t("bridges.testing"));
    let result;
    try {
      result = await post(`embed/bridges/${bridge.id}/test`);
    } catch (error) {
      status.fail(error);
      return;
    }
    const outcome = result.success
      ? { ok: t("bridges.test_ok", { message: result.message }) }
      : { fail: t("bridges.test_failed", { message: result.message }) };
    await reload({ keepStatus: true, outcomes: { [bridge.id]: outcome } });
  }

  function rename() {
    const line = statusLine();
    const form = h("form", { class: "o-form o-inline-form", novalidate: true }, field({ label: t("bridges.new_name"), name: "name", value: bridge.name, required: true, maxlength: 200 }), h("div", { class: "o-actions" }, button(t("common.save"), null, { type: "submit", variant: "primary" })), line.el);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      line.busy();
      try {
        await patch(`embed/bridges/${bridge.id}`, { name: formValues(form).name });
        reload();
      } catch (error) {
        const rest = showFieldErrors(form, error);
        line.fail(rest.length ? rest.join(" ") : error);
      }
    });
    clear(panel, form);
    form.querySelector("input").focus();
  }

  async function credentials() {
    clear(panel, loading());
    let detail;
    try {
      detail = (await get(`embed/bridges/${bridge.id}`)).data;
    } catch (error) {
      clear(panel, errorBox(error));
      return;
    }
    const line = statusLine();
    const form = h("form", { class: "o-form o-inline-form", novalidate: true }, configFields(type, detail.config || {}, { forUpdate: true }), h("div", { class: "o-actions" }, button(t("bridges.save_credentials"), null, { type: "submit", variant: "primary" })), line.el);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const values = formValues(form);
      const config = {};
      for (const f of type.config_fields || []) {
        if (f.secret ? values[f.name] : values[f.name] !== (detail.config || {})[f.name]) config[f.name] = values[f.name];
      }
      if (!Object.keys(config).length) return line.fail(t("bridges.nothing_changed"));
      line.busy();
      try {
        await patch(`embed/bridges/${bridge.id}`, { config });
        form.reset();
        reload({ message: t("bridges.credentials_saved") });
      } catch (error) {
        const rest = showFieldErrors(form, error);
        line.fail(rest.length ? rest.join(" ") : error);
      }
    });
    clear(panel, form);
    const first = form.querySelector("input");
    if (first) first.focus();
  }

  const disconnectBtn = button(t("bridges.disconnect"), () =>
    confirmInline(disconnectBtn, {
      question: t("bridges.disconnect_confirm", { name: bridge.name }),
      confirmLabel: t("bridges.disconnect"),
      onConfirm: async () => {
        await del(`embed/bridges/${bridge.id}`);
        reload({ message: t("bridges.disconnected", { name: bridge.name }) });
      },
    }), { variant: "danger-outline" });

  return h(
    "li",
    { class: "o-card o-bridge", dataset: { bridgeId: bridge.id } },
    h("div", { class: "o-row" }, icon(BRIDGE_ICONS[type.icon] || "plug"), h("div", { class: "o-grow" }, h("h3", {}, bridge.name), h("p", { class: "o-muted" }, type.name || bridge.type)), badge("bridge_status", bridge.status)),
    h("p", { class: "o-muted" }, t("bridges.last_sync"), " ", when(bridge.last_sync_at)),
    bridge.error_message ? h("p", { class: "o-danger-text", role: "note" }, t("bridges.error"), " ", bridge.error_message) : null,
    h(
      "div",
      { class: "o-actions" },
      button(t("bridges.test"), test),
      canWrite && type.syncs && bridge.status === "active" ? button(t("bridges.sync_now"), syncNow) : null,
      type.syncs ? button(t("bridges.sync_history"), toggle(history)) : null,
      canWrite ? button(t("bridges.rename"), toggle(rename)) : null,
      canWrite && (type.config_fields || []).length ? button(t("bridges.update_credentials"), toggle(credentials)) : null,
      canWrite ? disconnectBtn : null
    ),
    status.el,
    panel
  );
}

export default {
  async render(root, ctx, params, current) {
    const mine = h("div", {}, loading());
    const available = h("div", {}, loading());
    const notice = statusLine();
    clear(root, heading(t("bridges.title")), notice.el, card(t("bridges.yours"), mine), ctx.canWrite("bridges:write") ? card(t("bridges.available"), available) : null);
    let types = [];

    async function loadMine(opts = {}) {
      try {
        const { data } = await get("embed/bridges", { limit: 50 });
        if (!current()) return;
        const byId = Object.fromEntries(types.map((bt) => [bt.id, bt]));
        clear(mine, data.length ? h("ul", { class: "o-cards" }, data.map((b) => bridgeCard(b, byId[b.type] || { id: b.type, name: b.type, config_fields: [] }, ctx, loadMine, (opts.outcomes || {})[b.id]))) : empty(t("bridges.none")));
        if (opts.message) notice.ok(opts.message);
        else if (!opts.keepStatus) notice.reset();
      } catch (error) {
        clear(mine, errorBox(error, () => loadMine()));
      }
    }

    try {
      types = (await get("embed/bridge-types")).data;
    } catch (error) {
      clear(available, errorBox(error));
    }
    await loadMine();
    if (!types.length) {
      clear(available, empty(t("bridges.no_types")));
      return;
    }
    const slot = h("div", { class: "o-connect-slot" });
    clear(
      available,
      h(
        "ul",
        { class: "o-type-grid" },
        types.map((type) => {
          const open = button(t("bridges.connect_type", { name: type.name }), () => {
            clear(slot, h("h3", { tabindex: "-1" }, t("bridges.connect_type", { name: type.name })), type.id === "shopify" && (type.auth_methods || []).includes("oauth") ? [shopifyForm(type, ctx, loadMine), h("p", { class: "o-muted" }, t("bridges.or_token"))] : null, connectForm(type, ctx, loadMine));
            slot.querySelector("h3").focus();
          }, { dataset: { type: type.id } });
          return h("li", { class: "o-type" }, icon(BRIDGE_ICONS[type.icon] || "plug"), h("div", { class: "o-grow" }, h("strong", {}, type.name), h("p", { class: "o-muted" }, type.description)), open);
        })
      ),
      slot
    );
  },
};
