// Orders (the data room): search and filter, a paginated list, and an order's detail with line
// items, totals, address, shipments with their tracking, action requests and tracking links.
import { get, post } from "../api.js";
import {
  badge, button, card, clear, dl, empty, errorBox, field, formValues, h, heading, loading, pager,
  showFieldErrors, statusLine, when,
} from "../dom.js";
import { fmtDateTime, fmtMoney, t } from "../i18n.js";
import { shipmentBlock, trackingPagesByShipment } from "./shipments.js";

export const ORDER_STATUSES = ["pending", "confirmed", "processing", "on_hold", "shipped", "delivered", "completed", "cancelled"];
const ACTION_TYPES = ["cancel", "hold", "address_change", "expedite", "note", "other"];
const ADDRESS_FIELDS = [
  ["name", false],
  ["street", true],
  ["street2", false],
  ["city", true],
  ["state", false],
  ["zip", true],
  ["country", false],
];

function inRange(iso, from, to) {
  const day = (iso || "").slice(0, 10);
  if (!day) return !from && !to;
  return (!from || day >= from) && (!to || day <= to);
}

async function renderList(root, ctx, params, current) {
  const filters = { search: params.search || "", status: params.status || "", from: params.from || "", to: params.to || "", page: params.page || 1 };
  const form = h(
    "form",
    { class: "o-filters", role: "search", "aria-label": t("orders.filters") },
    field({ label: t("orders.search"), name: "search", type: "search", value: filters.search, placeholder: t("orders.search_placeholder") }),
    field({ label: t("orders.status"), name: "status", type: "select", value: filters.status, options: [["", t("orders.all_statuses")], ...ORDER_STATUSES.map((s) => [s, t(`order_status.${s}`)])] }),
    field({ label: t("orders.from"), name: "from", type: "date", value: filters.from }),
    field({ label: t("orders.to"), name: "to", type: "date", value: filters.to }),
    h("div", { class: "o-actions" }, button(t("orders.apply"), null, { type: "submit", variant: "primary" }), button(t("orders.reset"), () => ctx.go("orders", {})))
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = formValues(form);
    ctx.go("orders", { ...values, page: 1 });
  });
  const results = h("div", { class: "o-results", "aria-live": "polite" }, loading());
  clear(root, heading(t("orders.title")), form, results);

  let body;
  try {
    body = await get("embed/orders", { search: filters.search, status: filters.status, from: filters.from, to: filters.to, page: filters.page, limit: 20 });
  } catch (error) {
    clear(results, errorBox(error, () => ctx.go("orders", params)));
    return;
  }
  if (!current()) return;
  let rows = body.data;
  let notice = null;
  if (filters.from || filters.to) {
    // The API may not filter by date; never show an order outside the range the user asked for.
    const kept = rows.filter((o) => inRange(o.ordered_at || o.created_at, filters.from, filters.to));
    if (kept.length !== rows.length) notice = h("p", { class: "o-note", role: "note" }, t("orders.date_filter_page_only"));
    rows = kept;
  }
  if (!rows.length) {
    clear(results, notice, empty(filters.search || filters.status || filters.from || filters.to ? t("orders.none_match") : t("orders.none")));
    return;
  }
  const table = h(
    "table",
    { class: "o-table" },
    h("caption", { class: "o-sr" }, t("orders.caption", { total: body.pagination.total })),
    h("thead", {}, h("tr", {}, ["order", "customer", "status", "fulfillment", "total", "date"].map((c) => h("th", { scope: "col" }, t(`orders.col_${c}`))))),
    h(
      "tbody",
      {},
      rows.map((order) =>
        h(
          "tr",
          { dataset: { orderId: order.id } },
          h("td", { "data-label": t("orders.col_order") }, button(`#${order.order_number}`, () => ctx.go("orders", { ...params, orderId: order.id }), { variant: "link" })),
          h("td", { "data-label": t("orders.col_customer") }, (order.customer && order.customer.name) || "—"),
          h("td", { "data-label": t("orders.col_status") }, badge("order_status", order.status)),
          h("td", { "data-label": t("orders.col_fulfillment") }, badge("fulfillment_status", order.fulfillment_status)),
          h("td", { "data-label": t("orders.col_total") }, fmtMoney(order.totals && order.totals.total, order.currency)),
          h("td", { "data-label": t("orders.col_date") }, order.ordered_at ? fmtDateTime(order.ordered_at) : "—")
        )
      )
    )
  );
  clear(results, notice, h("p", { class: "o-muted" }, t("orders.count", { total: body.pagination.total })), h("div", { class: "o-table-wrap" }, table), pager(body.pagination, (page) => ctx.go("orders", { ...filters, page })));
}

function addressLines(address) {
  if (!address || typeof address !== "object") return null;
  const line = (...parts) => parts.filter(Boolean).join(" ");
  return h(
    "address",
    {},
    [address.name, address.company, address.address1 || address.street, address.address2 || address.street2, line(address.zip || address.postal_code, address.city), line(address.state, address.country)]
      .filter(Boolean)
      .map((text) => h("div", {}, text))
  );
}

function actionForm(ctx, order) {
  const status = statusLine();
  const fieldsSlot = h("div", {});
  const typeField = field({ label: t("actions.type"), name: "actionType", type: "select", value: "cancel", options: ACTION_TYPES.map((a) => [a, t(`action_type.${a}`)]) });
  const form = h("form", { class: "o-form", novalidate: true }, typeField, fieldsSlot, h("div", { class: "o-actions" }, button(t("actions.submit"), null, { type: "submit", variant: "primary" })), status.el);
  const current = order.shipping_address || {};
  const renderFields = (type) => {
    if (type === "address_change") {
      clear(
        fieldsSlot,
        h(
          "fieldset",
          { class: "o-fieldset" },
          h("legend", {}, t("actions.new_address")),
          ADDRESS_FIELDS.map(([name, required]) =>
            field({ label: t(`address.${name}`), name, required, value: current[name === "street" ? "address1" : name === "street2" ? "address2" : name] || current[name] || "", autocomplete: "off", maxlength: 255 })
          )
        ),
        field({ label: t("actions.note_optional"), name: "description", type: "textarea", maxlength: 2000 })
      );
    } else if (type === "other") {
      clear(fieldsSlot, field({ label: t("actions.title_field"), name: "title", required: true, maxlength: 200 }), field({ label: t("actions.details"), name: "description", type: "textarea", maxlength: 2000 }));
    } else {
      const required = type !== "expedite";
      clear(fieldsSlot, field({ label: t(type === "note" ? "actions.note" : required ? "actions.reason" : "actions.note_optional"), name: "description", type: "textarea", required, maxlength: 2000 }));
    }
  };
  renderFields("cancel");
  typeField.querySelector("select").addEventListener("change", (e) => {
    renderFields(e.target.value);
    status.reset();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = formValues(form);
    const type = v.actionType;
    const body = { orderId: order.id, actionType: type, title: type === "other" ? v.title : t(`actions.title.${type}`, { order: order.order_number }) };
    if (v.description) body.description = v.description;
    if (type === "address_change") {
      const address = {};
      for (const [name] of ADDRESS_FIELDS) if (v[name]) address[name] = v[name];
      body.requestedChanges = { address };
    }
    const missing = [...form.querySelectorAll("[required]")].filter((el) => !el.value.trim());
    if (missing.length) {
      showFieldErrors(form, { details: Object.fromEntries(missing.map((el) => [el.name, [t("form.required")]])) });
      status.fail(t("form.fix_errors"));
      return;
    }
    status.busy(t("actions.sending"));
    try {
      const { data } = await post("embed/action-requests", body, { idempotent: true });
      form.reset();
      renderFields("cancel");
      status.ok(t("actions.sent"));
      status.el.append(" ", button(t("actions.view_requests"), () => ctx.go("requests", {}), { variant: "link" }));
      ctx.emit("action_request_submitted", { id: data.id, actionType: data.action_type });
    } catch (error) {
      const rest = showFieldErrors(form, error);
      status.fail(rest.length ? rest.join(" ") : error);
    }
  });
  return form;
}

async function shipmentIdsOf(order) {
  if (Array.isArray(order.shipments)) return order.shipments;
  // The order's activities name the shipments created for it.
  const ids = [...new Set((order.activities || []).filter((a) => a.activity_type === "shipment" && a.metadata && a.metadata.shipment_id).map((a) => a.metadata.shipment_id))];
  return ids.map((id) => ({ id }));
}

async function renderDetail(root, ctx, params, current) {
  const back = button(t("orders.back"), () => ctx.go("orders", { ...params, orderId: undefined }), { variant: "link" });
  clear(root, back, loading());
  let order;
  try {
    order = (await get(`embed/orders/${params.orderId}`)).data;
  } catch (error) {
    clear(root, back, heading(t("orders.order")), errorBox(error, () => ctx.go("orders", params)));
    return;
  }
  if (!current()) return;
  const totals = order.totals || {};
  const items = order.line_items || [];
  const shipmentsSlot = h("div", {}, loading());
  clear(
    root,
    back,
    heading(t("orders.order_number", { number: order.order_number })),
    h("div", { class: "o-row o-wrap" }, badge("order_status", order.status), badge("fulfillment_status", order.fulfillment_status), badge("payment_status", order.payment_status), h("span", { class: "o-muted" }, order.ordered_at ? fmtDateTime(order.ordered_at) : "")),
    h(
      "div",
      { class: "o-grid" },
      card(
        t("orders.items"),
        items.length
          ? h(
              "table",
              { class: "o-table o-compact" },
              h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("orders.item")), h("th", { scope: "col" }, t("orders.qty")), h("th", { scope: "col" }, t("orders.price")))),
              h("tbody", {}, items.map((item) => h("tr", {}, h("td", { "data-label": t("orders.item") }, item.title, item.sku ? h("div", { class: "o-muted" }, item.sku) : null), h("td", { "data-label": t("orders.qty") }, String(item.quantity)), h("td", { "data-label": t("orders.price") }, fmtMoney(item.price, order.currency)))))
            )
          : empty(t("orders.no_items")),
        dl(["subtotal", "shipping", "tax", "discount", "total"].filter((k) => totals[k] !== undefined && totals[k] !== null).map((k) => [t(`totals.${k}`), fmtMoney(totals[k], order.currency)]))
      ),
      card(t("orders.customer_and_address"), dl([[t("orders.customer"), order.customer && order.customer.name], [t("orders.email"), order.customer && order.customer.email]]), h("h3", {}, t("orders.shipping_address")), addressLines(order.shipping_address) || empty(t("orders.no_address")), order.notes ? h("p", {}, order.notes) : null)
    ),
    card(t("orders.shipments"), shipmentsSlot),
    ctx.can("requests") && ctx.canWrite("actions:write") ? card(t("actions.request_change"), actionForm(ctx, order)) : null,
    card(
      t("orders.activity"),
      (order.activities || []).length
        ? h("ol", { class: "o-timeline" }, order.activities.map((a) => h("li", {}, h("strong", {}, a.title), " ", when(a.created_at), a.description ? h("p", { class: "o-muted" }, a.description) : null)))
        : empty(t("orders.no_activity"))
    )
  );

  try {
    const refs = await shipmentIdsOf(order);
    if (!refs.length) {
      // The order detail does not list shipments; they are found through the order's activities.
      clear(shipmentsSlot, empty(t("orders.no_shipments")), ctx.can("tracking") ? button(t("orders.all_shipments"), () => ctx.go("tracking"), { variant: "link" }) : null);
      return;
    }
    const [pages, trackings] = await Promise.all([
      ctx.can("trackingLinks") ? trackingPagesByShipment().catch(() => ({})) : {},
      Promise.all(refs.map((ref) => (ctx.can("timeline") ? get(`embed/tracking/${ref.id}`).then((r) => r.data) : Promise.resolve(ref)).catch(() => ref))),
    ]);
    if (!current()) return;
    clear(shipmentsSlot, h("ul", { class: "o-cards" }, trackings.map((s) => shipmentBlock(ctx, s, { pages }))));
  } catch (error) {
    clear(shipmentsSlot, errorBox(error));
  }
}

export default {
  render(root, ctx, params, current) {
    return params.orderId ? renderDetail(root, ctx, params, current) : renderList(root, ctx, params, current);
  },
};
