// The one message catalogue: every string the UI shows comes from locales/<lang>.js through t().
import en from "./locales/en.js";
import sv from "./locales/sv.js";

export const CATALOGUES = { en, sv };
let current = "en";

export function pickLocale(requested) {
  const base = String(requested || "").toLowerCase().split(/[-_]/)[0];
  return CATALOGUES[base] ? base : "en";
}

export function setLocale(requested) {
  current = pickLocale(requested);
  document.documentElement.lang = current;
  return current;
}

export const locale = () => current;

export function t(key, params = {}, fallback) {
  const message = CATALOGUES[current][key] ?? en[key] ?? (fallback !== undefined ? fallback : key);
  return String(message).replace(/\{(\w+)\}/g, (match, name) => (params[name] !== undefined ? String(params[name]) : match));
}

const intlLocale = () => (current === "sv" ? "sv-SE" : "en-US");

export function fmtDateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: "medium", timeStyle: "short" }).format(date);
}

export function fmtDate(iso) {
  // A bare date (2026-01-20) is a calendar day, not midnight UTC.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00`) : new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: "medium" }).format(date);
}

export function fmtMoney(amount, currency) {
  if (amount === null || amount === undefined || amount === "") return "";
  try {
    return new Intl.NumberFormat(intlLocale(), { style: "currency", currency: currency || "USD" }).format(Number(amount));
  } catch (e) {
    return `${amount} ${currency || ""}`.trim();
  }
}

export function fmtRelative(iso) {
  const diff = new Date(iso).getTime() - Date.now();
  const units = [["day", 86400000], ["hour", 3600000], ["minute", 60000]];
  const rtf = new Intl.RelativeTimeFormat(intlLocale(), { numeric: "auto" });
  for (const [unit, ms] of units) {
    if (Math.abs(diff) >= ms || unit === "minute") return rtf.format(Math.round(diff / ms), unit);
  }
  return "";
}
