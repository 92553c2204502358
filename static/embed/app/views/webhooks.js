// Webhooks (App-Portal class): endpoints with an event-type picker, the secret shown once with a
// copy button, edit, disable/enable, delete, send a test, the delivery log, retry and recover.
import { del, get, patch, post } from "../api.js";
import {
  badge, button, card, clear, confirmInline, copyButton, empty, errorBox, field, formValues, h, heading,
  loading, nextId, showFieldErrors, statusLine, when,
} from "../dom.js";
import { t } from "../i18n.js";

function eventPicker(types, selected = []) {
  const id = nextId("events");
  return h(
    "fieldset",
    { class: "o-fieldset o-checks", "aria-describedby": `${id}-help` },
    h("legend", {}, t("webhooks.events")),
    h("p", { class: "o-help", id: `${id}-help` }, t("webhooks.events_help")),
    h("div", { class: "o-field" }, h("p", { class: "o-field-error", id: `${id}-error` })),
    types.map((type) => {
      const cid = nextId("ev");
      return h("div", { class: "o-field-check" }, h("input", { type: "checkbox", id: cid, name: "events", value: type, checked: selected.includes(type), dataset: { multi: "1" } }), h("label", { for: cid }, t(`topic.${type}`, {}, type), " ", h("code", {}, type)));
    })
  );
}

function secretReveal(secret) {
  const id = nextId("secret");
  const input = h("input", { id, type: "text", readonly: true, value: secret, class: "o-mono", autocomplete: "off" });
  return h("div", { class: "o-secret", role: "alert" }, h("p", {}, h("strong", {}, t("webhooks.secret_once"))), h("div", { class: "o-field" }, h("label", { for: id }, t("webhooks.signing_secret")), input), copyButton(() => secret, input));
}

function endpointForm(types, webhook, onSaved, onCancel) {
  const status = statusLine();
  const form = h(
    "form",
    { class: "o-form", novalidate: true },
    field({ label: t("webhooks.url"), name: "url", type: "url", required: true, value: webhook ? webhook.url : "", placeholder: "https://example.com/webhooks/orderly", maxlength: 2000 }),
    field({ label: t("webhooks.description"), name: "description", value: webhook ? webhook.description : "", maxlength: 200 }),
    eventPicker(types, webhook ? webhook.events : []),
    h("div", { class: "o-actions" }, button(webhook ? t("common.save") : t("webhooks.create"), null, { type: "submit", variant: "primary" }), onCancel ? button(t("common.cancel"), onCancel) : null),
    status.el
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = formValues(form);
    const body = { url: v.url, description: v.description, events: v.events || [] };
    if (!body.events.length) {
      form.querySelector("fieldset .o-field-error").textContent = t("webhooks.pick_one");
      status.fail(t("form.fix_errors"));
      return;
    }
    status.busy();
    try {
      const saved = webhook ? await patch(`embed/webhooks/${webhook.id}`, body) : await post("embed/webhooks", body, { idempotent: true });
      onSaved(saved.data);
    } catch (error) {
      const rest = showFieldErrors(form, error);
      status.fail(rest.length ? rest.join(" ") : error);
    }
  });
  return form;
}

async function deliveryLog(webhook, slot, write) {
  clear(slot, loading());
  let deliveries;
  try {
    deliveries = (await get(`embed/webhooks/${webhook.id}/deliveries`)).data;
  } catch (error) {
    clear(slot, errorBox(error, () => deliveryLog(webhook, slot, write)));
    return;
  }
  const recoverStatus = statusLine();
  const recover = h(
    "form",
    { class: "o-form o-inline-form", novalidate: true },
    field({ label: t("webhooks.recover_since"), name: "since", type: "datetime-local", required: true, help: t("webhooks.recover_help") }),
    h("div", { class: "o-actions" }, button(t("webhooks.recover"), null, { type: "submit" })),
    recoverStatus.el
  );
  recover.addEventListener("submit", async (event) => {
    event.preventDefault();
    const local = formValues(recover).since;
    if (!local) return recoverStatus.fail(t("form.required"));
    recoverStatus.busy();
    try {
      const { data } = await post(`embed/webhooks/${webhook.id}/recover`, { since: new Date(local).toISOString() });
      recoverStatus.ok(t("webhooks.recovered", { count: data.queued }));
      setTimeout(() => deliveryLog(webhook, slot, write), 800);
    } catch (error) {
      recoverStatus.fail(error);
    }
  });
  const rows = deliveries.map((d) => {
    const cell = h("td", { "data-label": t("webhooks.col_actions") });
    if (write && !d.success && d.status !== "pending" && d.status !== "sending") {
      const line = statusLine();
      const retry = button(t("webhooks.retry"), async () => {
        retry.disabled = true;
        line.busy();
        try {
          await post(`embed/webhooks/${webhook.id}/deliveries/${d.id}/retry`);
          deliveryLog(webhook, slot, write);
        } catch (error) {
          retry.disabled = false;
          line.fail(error);
        }
      });
      cell.append(retry, line.el);
    }
    return h(
      "tr",
      { dataset: { deliveryId: d.id } },
      h("td", { "data-label": t("webhooks.col_event") }, h("code", {}, d.event_type)),
      h("td", { "data-label": t("webhooks.col_status") }, badge("delivery_status", d.status || (d.success ? "delivered" : "failed"))),
      h("td", { "data-label": t("webhooks.col_response") }, d.response_status ? `HTTP ${d.response_status}` : "—", d.error ? h("div", { class: "o-danger-text" }, d.error) : null),
      h("td", { "data-label": t("webhooks.col_attempts") }, String(d.attempts ?? ""), d.next_attempt_at ? h("div", { class: "o-muted" }, t("webhooks.next_attempt"), " ", when(d.next_attempt_at)) : null, attemptLog(d.attempt_log)),
      h("td", { "data-label": t("webhooks.col_time") }, when(d.created_at)),
      cell
    );
  });
  clear(
    slot,
    h("h4", {}, t("webhooks.deliveries")),
    deliveries.length
      ? h("div", { class: "o-table-wrap" }, h("table", { class: "o-table o-compact" }, h("thead", {}, h("tr", {}, ["event", "status", "response", "attempts", "time", "actions"].map((c) => h("th", { scope: "col" }, t(`webhooks.col_${c}`))))), h("tbody", {}, rows)))
      : empty(t("webhooks.no_deliveries")),
    button(t("webhooks.refresh"), () => deliveryLog(webhook, slot, write), { variant: "link" }),
    write ? recover : null
  );
}

function endpointItem(ctx, types, webhook, reload) {
  const panel = h("div", { class: "o-panel" });
  const status = statusLine();
  const write = ctx.canWrite("webhooks:write");
  const test = button(t("webhooks.send_test"), async () => {
    test.disabled = true;
    status.busy(t("webhooks.sending_test"));
    try {
      const result = await post(`embed/webhooks/${webhook.id}/test`);
      if (result.success) status.ok(t("webhooks.test_ok", { status: result.statusCode }));
      else status.fail(t("webhooks.test_failed", { status: result.statusCode || "—" }));
    } catch (error) {
      status.fail(error);
    }
    test.disabled = false;
  });
  const toggle = button(webhook.is_active ? t("webhooks.disable") : t("webhooks.enable"), async () => {
    toggle.disabled = true;
    status.busy();
    try {
      await patch(`embed/webhooks/${webhook.id}`, { isActive: !webhook.is_active });
      reload(webhook.is_active ? t("webhooks.disabled_msg") : t("webhooks.enabled_msg"));
    } catch (error) {
      toggle.disabled = false;
      status.fail(error);
    }
  });
  const showPanel = (name, render) => () => {
    if (panel.dataset.open === name) {
      panel.dataset.open = "";
      return clear(panel);
    }
    panel.dataset.open = name;
    render();
  };
  const logs = button(t("webhooks.delivery_log"), showPanel("log", () => deliveryLog(webhook, panel, write)));
  const edit = button(t("webhooks.edit"), showPanel("edit", () => {
    clear(panel, endpointForm(types, webhook, () => reload(t("webhooks.saved")), () => clear(panel)));
    panel.querySelector("input").focus();
  }));
  const rotate = button(t("webhooks.rotate"), () =>
    confirmInline(rotate, {
      question: t("webhooks.rotate_confirm"),
      confirmLabel: t("webhooks.rotate"),
      danger: false,
      onConfirm: async () => {
        const { data } = await post(`embed/webhooks/${webhook.id}/rotate-secret`);
        panel.dataset.open = "secret";
        clear(panel, secretReveal(data.secret));
      },
    }));
  const remove = button(t("webhooks.delete"), () =>
    confirmInline(remove, {
      question: t("webhooks.delete_confirm", { url: webhook.url }),
      confirmLabel: t("webhooks.delete"),
      onConfirm: async () => {
        await del(`embed/webhooks/${webhook.id}`);
        reload(t("webhooks.deleted"));
      },
    }), { variant: "danger-outline" });
  return h(
    "li",
    { class: "o-card", dataset: { webhookId: webhook.id } },
    h("div", { class: "o-row o-wrap" }, h("h3", { class: "o-grow o-break" }, webhook.url), badge("webhook_state", webhook.is_active ? "enabled" : "disabled")),
    webhook.description ? h("p", {}, webhook.description) : null,
    webhook.disabled_reason ? h("p", { class: "o-danger-text" }, t("webhooks.disabled_reason", { reason: webhook.disabled_reason })) : null,
    h("p", { class: "o-muted" }, webhook.events.map((e) => h("code", { class: "o-chip" }, e))),
    h("p", { class: "o-muted" }, t("webhooks.last_success"), " ", when(webhook.last_success_at), " · ", t("webhooks.last_failure"), " ", when(webhook.last_failure_at), webhook.consecutive_failures ? ` · ${t("webhooks.failures", { count: webhook.consecutive_failures })}` : ""),
    h("div", { class: "o-actions" }, write ? test : null, logs, write ? [edit, toggle, rotate, remove] : null),
    status.el,
    panel
  );
}

export default {
  async render(root, ctx, params, current) {
    const notice = statusLine();
    const list = h("div", {}, loading());
    const createSlot = h("div", {});
    clear(root, heading(t("webhooks.title")), h("p", { class: "o-muted" }, t("webhooks.intro")), notice.el, card(t("webhooks.endpoints"), list, createSlot));
    let types = [];
    const reload = async (message) => {
      try {
        const { data } = await get("embed/webhooks");
        if (!current()) return;
        clear(list, data.length ? h("ul", { class: "o-cards" }, data.map((w) => endpointItem(ctx, types, w, reload))) : empty(t("webhooks.none")));
        if (message) notice.ok(message);
      } catch (error) {
        clear(list, errorBox(error, () => reload()));
      }
    };
    try {
      types = (await get("embed/webhooks/event-types")).data;
    } catch (error) {
      clear(createSlot, errorBox(error));
    }
    await reload();
    if (!ctx.canWrite("webhooks:write") || !types.length) return;
    const open = button(t("webhooks.add"), () => {
      open.hidden = true;
      clear(createSlot, endpointForm(types, null, async (created) => {
        clear(createSlot, secretReveal(created.secret), button(t("webhooks.done"), () => {
          clear(createSlot, open);
          open.hidden = false;
          open.focus();
        }));
        await reload(t("webhooks.created"));
      }, () => {
        clear(createSlot, open);
        open.hidden = false;
        open.focus();
      }));
      createSlot.querySelector("input").focus();
    }, { variant: "primary" });
    clear(createSlot, open);
  },
};

// Each attempt with what the receiver answered, behind a disclosure so the log stays scannable.
function attemptLog(attempts) {
  if (!Array.isArray(attempts) || !attempts.length) return null;
  return h(
    "details",
    { class: "o-attempts" },
    h("summary", {}, t("webhooks.attempt_log", { count: attempts.length })),
    h(
      "ol",
      { reversed: true },
      attempts.map((a) =>
        h(
          "li",
          { dataset: { attempt: String(a.number) } },
          h("span", {}, t("webhooks.attempt_number", { number: a.number }), " · ", a.response_status ? `HTTP ${a.response_status}` : "—", " · ", `${a.duration_ms} ms`, " · ", when(a.created_at)),
          a.error ? h("div", { class: "o-danger-text" }, a.error) : null,
          a.response_excerpt ? h("pre", { class: "o-excerpt" }, a.response_excerpt) : null
        )
      )
    )
  );
}
