// DOM building blocks. Everything is created with createElement and textContent: no HTML strings,
// so nothing the API returns can become markup.
import { t, fmtDateTime } from "./i18n.js";

let uid = 0;
export const nextId = (prefix = "o") => `${prefix}-${++uid}`;

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "value") el.value = value;
    else if (key === "checked") el.checked = !!value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.classList.add("o-icon");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name] || ICONS.plug);
  svg.append(path);
  return svg;
}

// Simple single-path glyphs (24×24), drawn with currentColor.
const ICONS = {
  plug: "M7 2v6H5v4a7 7 0 0 0 6 6.9V22h2v-3.1A7 7 0 0 0 19 12V8h-2V2h-2v6H9V2H7zm0 8h10v2a5 5 0 0 1-10 0v-2z",
  bag: "M7 7V6a5 5 0 0 1 10 0v1h3l1 15H3L4 7h3zm2 0h6V6a3 3 0 0 0-6 0v1zm-3.1 2-.8 11h13.8l-.8-11H17v2h-2V9H9v2H7V9H5.9z",
  truck: "M2 5h12v3h4l4 5v5h-2a3 3 0 0 1-6 0H9a3 3 0 0 1-6 0H2V5zm2 2v9h.8a3 3 0 0 1 4.4 0H12V7H4zm10 3v6h.8a3 3 0 0 1 4.4 0h.8v-2.3L17 10h-3zM6 17a1 1 0 1 0 0 2 1 1 0 0 0 0-2zm11 0a1 1 0 1 0 0 2 1 1 0 0 0 0-2z",
  store: "M3 3h18l1 6a3 3 0 0 1-2 2.8V21H4v-9.2A3 3 0 0 1 2 9l1-6zm1.7 2-.7 4a1 1 0 0 0 2 0h2a1 1 0 0 0 2 0h2a1 1 0 0 0 2 0h2a1 1 0 0 0 2 0h2a1 1 0 0 0 2 0l-.7-4H4.7zM6 12v7h4v-5h4v5h4v-7a3 3 0 0 1-2-.8 3 3 0 0 1-4 0 3 3 0 0 1-4 0 3 3 0 0 1-2 .8z",
  box: "M12 2 3 6.5v11L12 22l9-4.5v-11L12 2zm0 2.2 6.4 3.2L12 10.6 5.6 7.4 12 4.2zM5 9l6 3v7.5l-6-3V9zm8 10.5V12l6-3v7.5l-6 3z",
  bell: "M12 2a6 6 0 0 0-6 6v4.6L4 16v2h16v-2l-2-3.4V8a6 6 0 0 0-6-6zm0 2a4 4 0 0 1 4 4v5.1l1.2 2.9H6.8L8 13.1V8a4 4 0 0 1 4-4zm-2 16a2 2 0 0 0 4 0h-4z",
  hook: "M10 3a4 4 0 0 0-1 7.9V14a5 5 0 0 0 10 0h-2a3 3 0 0 1-6 0v-3.1A4 4 0 0 0 10 3zm0 2a2 2 0 1 1 0 4 2 2 0 0 1 0-4zm8 6-3 3h6l-3-3z",
  home: "M12 3 2 11h3v10h6v-6h2v6h6V11h3L12 3zm0 2.6 5 4V19h-2v-6H9v6H7V9.6l5-4z",
  list: "M4 5h2v2H4V5zm4 0h12v2H8V5zM4 11h2v2H4v-2zm4 0h12v2H8v-2zm-4 6h2v2H4v-2zm4 0h12v2H8v-2z",
  pin: "M12 2a7 7 0 0 0-7 7c0 5 7 13 7 13s7-8 7-13a7 7 0 0 0-7-7zm0 2a5 5 0 0 1 5 5c0 3-3.5 7.8-5 9.8C10.5 16.8 7 12 7 9a5 5 0 0 1 5-5zm0 2.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z",
  check: "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2z",
  alert: "M12 2 1 21h22L12 2zm0 4 7.5 13h-15L12 6zm-1 4v5h2v-5h-2zm0 6v2h2v-2h-2z",
};

export const BRIDGE_ICONS = {
  "shopify-icon": "bag",
  "woocommerce-icon": "store",
  "bigcommerce-icon": "store",
  "amazon-icon": "box",
  "etsy-icon": "store",
  "shipstation-icon": "truck",
};

export function button(label, onclick, { variant = "secondary", type = "button", ...attrs } = {}) {
  return h("button", { type, class: `o-btn o-btn-${variant}`, onclick, ...attrs }, label);
}

export function badge(kind, value) {
  return h("span", { class: `o-badge o-badge-${String(value).replace(/[^a-z_]/g, "")}` }, t(`${kind}.${value}`, {}, value));
}

export function heading(text) {
  return h("h1", { class: "o-title", tabindex: "-1" }, text);
}

export function loading(text = t("common.loading")) {
  return h("p", { class: "o-state o-loading", role: "status" }, h("span", { class: "o-spinner", "aria-hidden": "true" }), text);
}

export function empty(text) {
  return h("p", { class: "o-state o-empty" }, text);
}

export function errorBox(error, retry) {
  const box = h("div", { class: "o-state o-error", role: "alert" }, h("p", {}, errorMessage(error)));
  if (retry) box.append(button(t("common.retry"), retry));
  return box;
}

export function errorMessage(error) {
  if (!error) return t("error.generic");
  if (error.status === 403) {
    if (error.code === "feature_disabled") return t("error.feature_disabled");
    if (error.code === "insufficient_scope") return t("error.insufficient_scope");
    return t("error.forbidden", { message: error.message || "" });
  }
  if (error.code === "session_unavailable") return t("error.session_unavailable");
  if (error.code === "network") return t("error.network");
  if (error.code && t(`error.${error.code}`, {}, "") && error.code !== "validation_error") {
    return t(`error.${error.code}`, { message: error.message || "" });
  }
  return error.message || t("error.generic");
}

// A status line for one action: "saving…", then success or the API's error, announced politely.
export function statusLine() {
  const el = h("p", { class: "o-status", role: "status", "aria-live": "polite" });
  return {
    el,
    busy(text = t("common.working")) {
      el.className = "o-status o-status-busy";
      el.textContent = text;
    },
    ok(text) {
      el.className = "o-status o-status-ok";
      el.textContent = text;
    },
    fail(error) {
      el.className = "o-status o-status-error";
      el.textContent = typeof error === "string" ? error : errorMessage(error);
    },
    reset() {
      el.className = "o-status";
      el.textContent = "";
    },
  };
}

// A labelled form field. `type` may be text, email, url, password, number, date, datetime-local,
// textarea, select (options: [[value, label]]) or checkbox.
export function field({ label, name, type = "text", value = "", required = false, help, options, ...attrs }) {
  const id = nextId("f");
  const helpId = help ? `${id}-help` : null;
  const errorId = `${id}-error`;
  const describedBy = [helpId, errorId].filter(Boolean).join(" ");
  let control;
  if (type === "textarea") {
    control = h("textarea", { id, name, required, "aria-describedby": describedBy, rows: 3, ...attrs });
    control.value = value || "";
  } else if (type === "select") {
    control = h(
      "select",
      { id, name, required, "aria-describedby": describedBy, ...attrs },
      (options || []).map(([v, l]) => h("option", { value: v, selected: String(v) === String(value) }, l))
    );
  } else if (type === "checkbox") {
    control = h("input", { id, name, type, checked: !!value, "aria-describedby": describedBy, ...attrs });
    return h(
      "div",
      { class: "o-field o-field-check" },
      control,
      h("label", { for: id }, label),
      help ? h("p", { class: "o-help", id: helpId }, help) : null,
      h("p", { class: "o-field-error", id: errorId })
    );
  } else {
    control = h("input", { id, name, type, required, value, "aria-describedby": describedBy, ...attrs });
  }
  return h(
    "div",
    { class: "o-field" },
    h("label", { for: id }, label, required ? h("span", { class: "o-required", "aria-hidden": "true" }, " *") : null),
    control,
    help ? h("p", { class: "o-help", id: helpId }, help) : null,
    h("p", { class: "o-field-error", id: errorId })
  );
}

// Show a validation_error's details next to the fields they name; returns the messages not placed.
export function showFieldErrors(form, error, aliases = {}) {
  for (const el of form.querySelectorAll(".o-field-error")) el.textContent = "";
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const rest = [];
  const details = (error && error.details) || {};
  for (const [key, messages] of Object.entries(details)) {
    const text = [].concat(messages).map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ");
    const name = aliases[key] || key.split(".").pop();
    const control = form.querySelector(`[name="${CSS.escape(name)}"]`);
    const slot = control && control.closest(".o-field") && control.closest(".o-field").querySelector(".o-field-error");
    if (slot) {
      slot.textContent = text;
      control.setAttribute("aria-invalid", "true");
    } else rest.push(text);
  }
  const first = form.querySelector("[aria-invalid]");
  if (first) first.focus();
  return rest;
}

export function formValues(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === "checkbox") {
      if (el.dataset.multi) (values[el.name] = values[el.name] || []).push(...(el.checked ? [el.value] : []));
      else values[el.name] = el.checked;
    } else values[el.name] = el.value;
  }
  return values;
}

// Inline confirmation (no modal: the frame grows with its content, so overlays would land off-screen).
export function confirmInline(anchor, { question, confirmLabel, onConfirm, danger = true }) {
  const existing = anchor.parentNode && anchor.parentNode.querySelector(".o-confirm");
  if (existing) existing.remove();
  const status = statusLine();
  const yes = button(confirmLabel, async () => {
    yes.disabled = true;
    status.busy();
    try {
      await onConfirm();
      box.remove();
    } catch (error) {
      yes.disabled = false;
      status.fail(error);
    }
  }, { variant: danger ? "danger" : "primary" });
  const no = button(t("common.cancel"), () => {
    box.remove();
    anchor.focus();
  });
  const box = h("div", { class: "o-confirm", role: "group", "aria-label": question }, h("p", {}, question), h("div", { class: "o-actions" }, yes, no), status.el);
  anchor.insertAdjacentElement("afterend", box);
  no.focus();
  return box;
}

export function dl(pairs) {
  return h(
    "dl",
    { class: "o-dl" },
    pairs.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))
  );
}

export function when(iso) {
  return iso ? h("time", { datetime: iso }, fmtDateTime(iso)) : t("common.never");
}

// Copy to the clipboard; falls back to selecting the text for Ctrl/⌘+C where the API is refused.
export function copyButton(getText, input) {
  const status = statusLine();
  const btn = button(t("common.copy"), async () => {
    try {
      await navigator.clipboard.writeText(getText());
      status.ok(t("common.copied"));
    } catch (e) {
      if (input) {
        input.focus();
        input.select();
      }
      status.ok(t("common.copy_manually"));
    }
  });
  return h("span", { class: "o-copy" }, btn, status.el);
}

export function card(title, ...children) {
  return h("section", { class: "o-card" }, title ? h("h2", {}, title) : null, ...children);
}

export function pager(pagination, go) {
  if (!pagination || pagination.totalPages <= 1) return null;
  const { page, totalPages } = pagination;
  return h(
    "nav",
    { class: "o-pager", "aria-label": t("common.pagination") },
    button(t("common.previous"), () => go(page - 1), { disabled: page <= 1 }),
    h("span", {}, t("common.page_of", { page, total: totalPages })),
    button(t("common.next"), () => go(page + 1), { disabled: !pagination.hasMore })
  );
}
