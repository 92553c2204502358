// Shared by the order detail and the tracking view: a shipment's tracking timeline and its
// branded tracking link (create, copy, revoke).
import { del, get, post } from "../api.js";
import { badge, button, clear, confirmInline, copyButton, empty, errorBox, h, loading, nextId, statusLine, when } from "../dom.js";
import { fmtDate, t } from "../i18n.js";

export async function trackingPagesByShipment() {
  const { data } = await get("embed/tracking-pages", { limit: 50 });
  const map = {};
  for (const page of data) if (page.is_active && !map[page.shipment_id]) map[page.shipment_id] = page;
  return map;
}

export function timeline(tracking) {
  const checkpoints = [...(tracking.checkpoints || [])].reverse(); // newest first
  if (!checkpoints.length) return empty(t("tracking.no_checkpoints"));
  return h(
    "ol",
    { class: "o-timeline", "aria-label": t("tracking.timeline") },
    checkpoints.map((cp) =>
      h(
        "li",
        {},
        h("div", { class: "o-row" }, badge("shipment_status", cp.status), when(cp.checkpoint_time)),
        cp.status_detail ? h("p", {}, cp.status_detail) : null,
        cp.location || cp.city ? h("p", { class: "o-muted" }, cp.location || [cp.city, cp.state, cp.country].filter(Boolean).join(", ")) : null
      )
    )
  );
}

export function shipmentSummary(shipment) {
  return h(
    "div",
    { class: "o-row o-wrap" },
    h("strong", {}, `${(shipment.carrier || "").toUpperCase()} ${shipment.tracking_number || ""}`.trim()),
    badge("shipment_status", shipment.status),
    shipment.service ? h("span", { class: "o-muted" }, shipment.service) : null,
    shipment.estimated_delivery ? h("span", { class: "o-muted" }, t("tracking.eta", { date: fmtDate(shipment.estimated_delivery) })) : null
  );
}

export function trackingLink(ctx, shipmentId, page) {
  const box = h("div", { class: "o-share" });
  const status = statusLine();
  const render = (current) => {
    if (!current) {
      const create = button(t("tracking.create_link"), async () => {
        create.disabled = true;
        status.busy();
        try {
          const { data } = await post("embed/tracking-pages", { shipmentId }, { idempotent: true });
          render(data);
          status.ok(t("tracking.link_created"));
        } catch (error) {
          create.disabled = false;
          status.fail(error);
        }
      });
      clear(box, create, status.el);
      return;
    }
    const url = ctx.trackingUrl(current.token);
    const id = nextId("link");
    const input = h("input", { id, type: "text", readonly: true, value: url, class: "o-mono" });
    const revoke = button(t("tracking.revoke_link"), () =>
      confirmInline(revoke, {
        question: t("tracking.revoke_confirm"),
        confirmLabel: t("tracking.revoke_link"),
        onConfirm: async () => {
          await del(`embed/tracking-pages/${current.id}`);
          render(null);
          status.ok(t("tracking.link_revoked"));
        },
      }), { variant: "danger-outline" });
    clear(
      box,
      h("div", { class: "o-field" }, h("label", { for: id }, t("tracking.link_label")), input),
      h("div", { class: "o-actions" }, copyButton(() => url, input), h("a", { href: url, target: "_blank", rel: "noopener", class: "o-btn o-btn-secondary" }, t("tracking.open_link")), revoke),
      status.el
    );
  };
  render(page || null);
  return box;
}

// One shipment: summary, timeline (loaded on demand when `lazy`), and its tracking link.
export function shipmentBlock(ctx, shipment, { pages = {}, lazy = false } = {}) {
  const body = h("div", { class: "o-timeline-slot" });
  const el = h("li", { class: "o-card o-shipment", dataset: { shipmentId: shipment.id } }, shipmentSummary(shipment), body);
  const load = async () => {
    clear(body, loading());
    try {
      const { data } = await get(`embed/tracking/${shipment.id}`);
      clear(body, timeline(data));
    } catch (error) {
      clear(body, errorBox(error, load));
    }
  };
  if (shipment.checkpoints) body.append(timeline(shipment));
  else if (ctx.can("timeline")) {
    if (lazy) {
      const show = button(t("tracking.show_timeline"), () => {
        show.remove();
        load();
      }, { "aria-expanded": "false" });
      body.append(show);
    } else load();
  }
  if (ctx.can("trackingLinks")) el.append(trackingLink(ctx, shipment.id, pages[shipment.id]));
  return el;
}
