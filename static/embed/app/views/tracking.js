// Tracking: every shipment with its status, its timeline on demand and its branded tracking link.
import { get } from "../api.js";
import { button, clear, empty, errorBox, field, formValues, h, heading, loading, pager } from "../dom.js";
import { t } from "../i18n.js";
import { shipmentBlock, trackingPagesByShipment } from "./shipments.js";

const SHIPMENT_STATUSES = ["pending", "info_received", "picked_up", "in_transit", "out_for_delivery", "failed_attempt", "available_for_pickup", "delivered", "exception", "returned", "cancelled"];

export default {
  async render(root, ctx, params, current) {
    const status = params.status || "";
    const page = params.page || 1;
    const form = h(
      "form",
      { class: "o-filters", "aria-label": t("tracking.filters") },
      field({ label: t("tracking.status"), name: "status", type: "select", value: status, options: [["", t("tracking.all_statuses")], ...SHIPMENT_STATUSES.map((s) => [s, t(`shipment_status.${s}`)])] }),
      h("div", { class: "o-actions" }, button(t("orders.apply"), null, { type: "submit", variant: "primary" }))
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      ctx.go("tracking", { status: formValues(form).status, page: 1 });
    });
    const results = h("div", { "aria-live": "polite" }, loading());
    clear(root, heading(t("tracking.title")), form, results);
    try {
      const [body, pages] = await Promise.all([
        get("embed/shipments", { status, page, limit: 20 }),
        ctx.can("trackingLinks") ? trackingPagesByShipment().catch(() => ({})) : {},
      ]);
      if (!current()) return;
      if (!body.data.length) return clear(results, empty(status ? t("tracking.none_match") : t("tracking.none")));
      clear(results, h("ul", { class: "o-cards" }, body.data.map((s) => shipmentBlock(ctx, s, { pages, lazy: true }))), pager(body.pagination, (p) => ctx.go("tracking", { status, page: p })));
    } catch (error) {
      clear(results, errorBox(error, () => ctx.go("tracking", params)));
    }
  },
};
