// Alerts: rules (create with the supported conditions, edit, enable/disable, delete, cooldown) and
// the in-app notifications with their unread count and mark-as-read.
import { del, get, patch, post } from "../api.js";
import {
  badge, button, card, clear, confirmInline, empty, errorBox, field, formValues, h, heading, loading,
  nextId, showFieldErrors, statusLine, when,
} from "../dom.js";
import { t } from "../i18n.js";

export const ALERT_TOPICS = [
  "shipment.exception", "shipment.delivered", "shipment.shipped", "shipment.created", "tracking.updated",
  "order.created", "order.updated", "order.status_changed", "order.action",
  "bridge.connected", "bridge.disconnected", "bridge.sync_completed",
  "action_request.created", "action_request.resolved", "action_request.expired", "action_request.cancelled",
  "order.cancellationrequest.created", "order.cancellationrequest.updated", "operation.completed", "operation.failed",
];

// The keys of each topic's event data a condition can match (docs/orders.md, "Events").
function conditionKeys(topic) {
  if (topic === "order.status_changed") return ["to", "from", "fulfillment_status", "payment_status", "currency"];
  if (topic.startsWith("order.cancellationrequest")) return ["status", "order_number"];
  if (topic.startsWith("order.")) return ["status", "fulfillment_status", "payment_status", "currency", "order_number"];
  if (topic.startsWith("shipment.") || topic === "tracking.updated") return ["carrier", "service", "status"];
  if (topic.startsWith("bridge.")) return ["type", "name"];
  if (topic.startsWith("action_request.")) return ["action_type", "status"];
  return ["type", "status"];
}

function conditionText(condition) {
  const parts = Object.entries(condition || {}).map(([key, value]) =>
    t("alerts.condition_is", { key: t(`condition_key.${key}`, {}, key), values: [].concat(value).join(t("alerts.or")) })
  );
  return parts.length ? parts.join(t("alerts.and")) : t("alerts.any_event");
}

function conditionRow(topic, key = "", value = "") {
  const keyField = field({ label: t("alerts.condition_field"), name: "condKey", type: "select", value: key, options: [["", t("alerts.choose_field")], ...conditionKeys(topic).map((k) => [k, t(`condition_key.${k}`, {}, k)])] });
  const valueField = field({ label: t("alerts.condition_values"), name: "condValue", value: [].concat(value).join(", "), help: t("alerts.condition_values_help"), maxlength: 500 });
  const row = h("div", { class: "o-condition" }, keyField, valueField);
  row.append(button(t("alerts.remove_condition"), () => row.remove(), { variant: "link" }));
  return row;
}

function ruleForm(ctx, rule, onSaved, onCancel) {
  const status = statusLine();
  const topic = rule ? rule.event_type : ALERT_TOPICS[0];
  const conditions = h("div", { class: "o-conditions" });
  const legendId = nextId("cond");
  const form = h(
    "form",
    { class: "o-form", novalidate: true },
    field({ label: t("alerts.name"), name: "name", required: true, value: rule ? rule.name : "", maxlength: 100 }),
    field({ label: t("alerts.description"), name: "description", value: rule ? rule.description : "", maxlength: 500 }),
    field({ label: t("alerts.event_type"), name: "eventType", type: "select", value: topic, options: ALERT_TOPICS.map((tp) => [tp, t(`topic.${tp}`, {}, tp)]) }),
    h("fieldset", { class: "o-fieldset", "aria-describedby": legendId }, h("legend", {}, t("alerts.conditions")), h("p", { class: "o-help", id: legendId }, t("alerts.conditions_help")), conditions, button(t("alerts.add_condition"), () => conditions.append(conditionRow(form.elements.eventType.value)))),
    field({ label: t("alerts.delivery"), name: "deliveryMethod", type: "select", value: rule ? rule.delivery_method : "in_app", options: ["in_app", "webhook", "both"].map((m) => [m, t(`delivery.${m}`)]) }),
    field({ label: t("alerts.webhook_url"), name: "webhookUrl", type: "url", value: (rule && rule.webhook_url) || "", help: t("alerts.webhook_url_help"), maxlength: 2000 }),
    field({ label: t("alerts.cooldown"), name: "cooldownMinutes", type: "number", min: 5, max: 1440, step: 1, value: rule ? rule.cooldown_minutes : 60, help: t("alerts.cooldown_help") }),
    h("div", { class: "o-actions" }, button(rule ? t("common.save") : t("alerts.create"), null, { type: "submit", variant: "primary" }), onCancel ? button(t("common.cancel"), onCancel) : null),
    status.el
  );
  for (const [key, value] of Object.entries((rule && rule.condition) || {})) conditions.append(conditionRow(topic, key, value));
  // Another topic has other fields: existing rows start over with that topic's fields.
  form.elements.eventType.addEventListener("change", (e) => {
    for (const row of conditions.querySelectorAll(".o-condition")) row.replaceWith(conditionRow(e.target.value));
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = formValues(form);
    const condition = {};
    for (const row of conditions.querySelectorAll(".o-condition")) {
      const key = row.querySelector("[name=condKey]").value;
      const values = row.querySelector("[name=condValue]").value.split(",").map((s) => s.trim()).filter(Boolean);
      if (key && values.length) condition[key] = values.length === 1 ? values[0] : values;
    }
    const cooldown = Number(v.cooldownMinutes);
    const body = { name: v.name, description: v.description, eventType: v.eventType, condition, deliveryMethod: v.deliveryMethod, cooldownMinutes: Number.isInteger(cooldown) ? cooldown : v.cooldownMinutes };
    if (v.webhookUrl) body.webhookUrl = v.webhookUrl;
    else if (rule && rule.webhook_url) body.webhookUrl = null;
    status.busy();
    try {
      const saved = rule ? await patch(`embed/alerts/rules/${rule.id}`, body) : await post("embed/alerts/rules", body, { idempotent: true });
      onSaved(saved.data);
    } catch (error) {
      const rest = showFieldErrors(form, error);
      status.fail(rest.length ? rest.join(" ") : error);
    }
  });
  return form;
}

function ruleItem(ctx, rule, reload) {
  const panel = h("div", { class: "o-panel" });
  const status = statusLine();
  const write = ctx.canWrite("alerts:write");
  const toggleActive = button(rule.is_active ? t("alerts.disable") : t("alerts.enable"), async () => {
    toggleActive.disabled = true;
    status.busy();
    try {
      await patch(`embed/alerts/rules/${rule.id}`, { isActive: !rule.is_active });
      reload(rule.is_active ? t("alerts.disabled_msg", { name: rule.name }) : t("alerts.enabled_msg", { name: rule.name }));
    } catch (error) {
      toggleActive.disabled = false;
      status.fail(error);
    }
  });
  const edit = button(t("alerts.edit"), () => {
    if (panel.firstChild) return clear(panel);
    clear(panel, ruleForm(ctx, rule, () => reload(t("alerts.saved", { name: rule.name })), () => clear(panel)));
    panel.querySelector("input").focus();
  });
  const remove = button(t("alerts.delete"), () =>
    confirmInline(remove, {
      question: t("alerts.delete_confirm", { name: rule.name }),
      confirmLabel: t("alerts.delete"),
      onConfirm: async () => {
        await del(`embed/alerts/rules/${rule.id}`);
        reload(t("alerts.deleted", { name: rule.name }));
      },
    }), { variant: "danger-outline" });
  return h(
    "li",
    { class: "o-card", dataset: { ruleId: rule.id } },
    h("div", { class: "o-row o-wrap" }, h("h3", { class: "o-grow" }, rule.name), badge("rule_status", rule.is_active ? "active" : "paused")),
    h("p", {}, t(`topic.${rule.event_type}`, {}, rule.event_type), " — ", conditionText(rule.condition)),
    h("p", { class: "o-muted" }, t(`delivery.${rule.delivery_method}`), " · ", t("alerts.cooldown_value", { minutes: rule.cooldown_minutes })),
    write ? h("div", { class: "o-actions" }, toggleActive, edit, remove) : null,
    status.el,
    panel
  );
}

async function renderRules(slot, ctx, notice) {
  const reload = async (message) => {
    await renderRules(slot, ctx, notice);
    if (message) notice.ok(message);
  };
  clear(slot, loading());
  let rules;
  try {
    rules = (await get("embed/alerts/rules")).data;
  } catch (error) {
    clear(slot, errorBox(error, reload));
    return;
  }
  const createSlot = h("div", {});
  const open = button(t("alerts.new_rule"), () => {
    open.hidden = true;
    clear(createSlot, ruleForm(ctx, null, (rule) => reload(t("alerts.created", { name: rule.name })), () => {
      clear(createSlot);
      open.hidden = false;
      open.focus();
    }));
    createSlot.querySelector("input").focus();
  }, { variant: "primary" });
  clear(slot, rules.length ? h("ul", { class: "o-cards" }, rules.map((r) => ruleItem(ctx, r, reload))) : empty(t("alerts.no_rules")), ctx.canWrite("alerts:write") ? [open, createSlot] : null);
}

async function renderInbox(slot, ctx, unreadOnly) {
  clear(slot, loading());
  let body;
  try {
    body = await get("embed/alerts/notifications", { unread: unreadOnly ? "true" : undefined, limit: 20 });
  } catch (error) {
    clear(slot, errorBox(error, () => renderInbox(slot, ctx, unreadOnly)));
    return;
  }
  let unread = body.unreadCount;
  ctx.setUnread(unread);
  const count = h("p", { class: "o-muted", role: "status" }, t("alerts.unread_count", { count: unread }));
  const setCount = (n) => {
    unread = Math.max(0, n);
    count.textContent = t("alerts.unread_count", { count: unread });
    ctx.setUnread(unread);
  };
  // Marking as read is the one optimistic update: the API accepts it for any notification the
  // session can see; a failure puts the item back.
  const markRead = async (item, li, btn) => {
    li.classList.remove("o-unread");
    btn.remove();
    setCount(unread - 1);
    try {
      await patch(`embed/alerts/notifications/${item.id}`, { isRead: true });
    } catch (error) {
      li.classList.add("o-unread");
      li.append(btn);
      setCount(unread + 1);
      li.append(errorBox(error));
    }
  };
  const items = body.data.map((n) => {
    const li = h("li", { class: `o-card o-notification${n.is_read ? "" : " o-unread"}`, dataset: { notificationId: n.id } }, h("div", { class: "o-row o-wrap" }, h("strong", { class: "o-grow" }, n.is_read ? null : h("span", { class: "o-sr" }, t("alerts.unread"), " "), n.title), when(n.created_at)), h("p", {}, n.message));
    if (!n.is_read) {
      const btn = button(t("alerts.mark_read"), () => markRead(n, li, btn));
      li.append(btn);
    }
    return li;
  });
  const toggle = field({ label: t("alerts.unread_only"), name: "unreadOnly", type: "checkbox", value: unreadOnly });
  toggle.querySelector("input").addEventListener("change", (e) => renderInbox(slot, ctx, e.target.checked));
  const markAll = unread
    ? button(t("alerts.mark_all_read"), async () => {
        for (const li of slot.querySelectorAll(".o-unread")) li.querySelector("button") && li.querySelector("button").click();
      })
    : null;
  clear(slot, h("div", { class: "o-row o-wrap" }, count, toggle, markAll), items.length ? h("ul", { class: "o-cards" }, items) : empty(unreadOnly ? t("alerts.no_unread") : t("alerts.no_notifications")));
}

export default {
  async render(root, ctx) {
    const notice = statusLine();
    const inbox = h("div", {});
    const rules = h("div", {});
    clear(root, heading(t("alerts.title")), notice.el, card(t("alerts.notifications"), inbox), card(t("alerts.rules"), rules));
    await Promise.all([renderInbox(inbox, ctx, false), renderRules(rules, ctx, notice)]);
  },
};
