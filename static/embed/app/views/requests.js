// Requests: the end user's action requests with status, expiry and resolution; cancel a pending one.
import { del, get } from "../api.js";
import { badge, button, clear, confirmInline, dl, empty, errorBox, field, formValues, h, heading, loading, pager, when } from "../dom.js";
import { fmtRelative, t } from "../i18n.js";

const STATUSES = ["pending", "approved", "denied", "expired", "cancelled"];

function detailPanel(ctx, id, panel) {
  clear(panel, loading());
  return get(`embed/action-requests/${id}`).then(
    ({ data }) => {
      const changes = data.requested_changes && data.requested_changes.address;
      clear(
        panel,
        dl([
          [t("requests.description"), data.description],
          [t("requests.new_address"), changes ? Object.values(changes).filter(Boolean).join(", ") : null],
          [t("requests.resolution_note"), data.resolution_note],
          [t("requests.resolved_at"), data.resolved_at ? when(data.resolved_at) : null],
        ]),
        !data.description && !data.resolution_note && !changes ? h("p", { class: "o-muted" }, t("requests.no_details")) : null,
        ctx.can("orders") ? button(t("requests.open_order"), () => ctx.go("orders", { orderId: data.order_id }), { variant: "link" }) : null
      );
    },
    (error) => clear(panel, errorBox(error))
  );
}

export default {
  async render(root, ctx, params, current) {
    const status = params.status || "";
    const page = params.page || 1;
    const form = h(
      "form",
      { class: "o-filters", "aria-label": t("requests.filters") },
      field({ label: t("requests.status"), name: "status", type: "select", value: status, options: [["", t("requests.all_statuses")], ...STATUSES.map((s) => [s, t(`request_status.${s}`)])] }),
      h("div", { class: "o-actions" }, button(t("orders.apply"), null, { type: "submit", variant: "primary" }))
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      ctx.go("requests", { status: formValues(form).status, page: 1 });
    });
    const results = h("div", { "aria-live": "polite" }, loading());
    clear(root, heading(t("requests.title")), form, results);
    let body;
    try {
      body = await get("embed/action-requests", { status, page, limit: 20 });
    } catch (error) {
      clear(results, errorBox(error, () => ctx.go("requests", params)));
      return;
    }
    if (!current()) return;
    if (!body.data.length) return clear(results, empty(status ? t("requests.none_match") : t("requests.none")));
    const item = (req) => {
      const panel = h("div", { class: "o-panel" });
      const toggle = button(t("requests.details"), () => {
        const open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", String(!open));
        if (open) clear(panel);
        else detailPanel(ctx, req.id, panel);
      }, { "aria-expanded": "false" });
      const actions = h("div", { class: "o-actions" }, toggle);
      if (req.status === "pending" && ctx.canWrite("actions:write")) {
        const cancel = button(t("requests.cancel"), () =>
          confirmInline(cancel, {
            question: t("requests.cancel_confirm", { title: req.title }),
            confirmLabel: t("requests.cancel"),
            // Not optimistic: the request may have been resolved meanwhile (409).
            onConfirm: async () => {
              await del(`embed/action-requests/${req.id}`);
              const fresh = (await get(`embed/action-requests/${req.id}`)).data;
              li.replaceWith(item({ ...req, status: fresh.status }));
            },
          }), { variant: "danger-outline" });
        actions.append(cancel);
      }
      const li = h(
        "li",
        { class: "o-card", dataset: { requestId: req.id } },
        h("div", { class: "o-row o-wrap" }, h("strong", { class: "o-grow" }, req.title), badge("request_status", req.status)),
        h("p", { class: "o-muted" }, t(`action_type.${req.action_type}`), " · ", t("requests.filed"), " ", when(req.created_at), req.status === "pending" && req.expires_at ? [" · ", t("requests.expires", { when: fmtRelative(req.expires_at) })] : null),
        actions,
        panel
      );
      return li;
    };
    clear(results, h("ul", { class: "o-cards" }, body.data.map(item)), pager(body.pagination, (p) => ctx.go("requests", { status, page: p })));
  },
};
