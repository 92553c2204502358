// Theming: the config's branding by default, overridden by the instance's appearance variables.
// Only the seven variables are accepted and each value is checked — no raw CSS reaches the page.
const COLOR = /^(#[0-9a-f]{3}|#[0-9a-f]{6}|rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\))$/i;
const LENGTH = /^(\d{1,3}(\.\d{1,2})?)(px|rem|em)$/;
const FONT = /^[\w\s,"'-]{1,200}$/;

const DEFAULTS = {
  colorPrimary: "#4F46E5",
  colorBackground: "#FFFFFF",
  colorText: "#1F2937",
  colorDanger: "#B91C1C",
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  borderRadius: "8px",
  spacingUnit: "4px",
};

const CHECKS = {
  colorPrimary: COLOR,
  colorBackground: COLOR,
  colorText: COLOR,
  colorDanger: COLOR,
  fontFamily: FONT,
  borderRadius: LENGTH,
  spacingUnit: LENGTH,
};

export function validAppearance(appearance) {
  const valid = {};
  const rejected = [];
  for (const [key, value] of Object.entries(appearance || {})) {
    if (CHECKS[key] && typeof value === "string" && CHECKS[key].test(value.trim())) valid[key] = value.trim();
    else rejected.push(key);
  }
  return { valid, rejected };
}

function rgb(color) {
  let m = /^#([0-9a-f]{3})$/i.exec(color);
  if (m) return m[1].split("").map((c) => parseInt(c + c, 16));
  m = /^#([0-9a-f]{6})$/i.exec(color);
  if (m) return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16));
  m = /^rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)$/i.exec(color);
  if (m) return m.slice(1, 4).map((v) => Math.min(255, Number(v)));
  return [0, 0, 0];
}

function luminance([r, g, b]) {
  const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a, b) {
  const [x, y] = [luminance(rgb(a)), luminance(rgb(b))].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

const hex = (c) => `#${c.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;

// Move `color` toward `toward` until it reads on `background` at WCAG AA (4.5:1).
function readable(color, background, toward) {
  const from = rgb(color);
  const to = rgb(toward);
  for (let step = 0; step <= 20; step++) {
    const mixed = from.map((v, i) => v + ((to[i] - v) * step) / 20);
    if (contrast(hex(mixed), background) >= 4.5) return hex(mixed);
  }
  return toward;
}

export function applyTheme(branding, appearance) {
  const theme = { ...DEFAULTS };
  if (branding && COLOR.test(branding.primary_color || "")) theme.colorPrimary = branding.primary_color;
  Object.assign(theme, appearance);
  const bg = theme.colorBackground;
  const text = contrast(theme.colorText, bg) >= 4.5 ? theme.colorText : readable(theme.colorText, bg, luminance(rgb(bg)) > 0.4 ? "#000000" : "#FFFFFF");
  const dark = luminance(rgb(bg)) < 0.4;
  const extreme = dark ? "#FFFFFF" : "#000000";
  const vars = {
    "--o-primary": theme.colorPrimary,
    "--o-on-primary": contrast("#FFFFFF", theme.colorPrimary) >= 4.5 ? "#FFFFFF" : readable("#111111", theme.colorPrimary, "#000000"),
    "--o-primary-text": readable(theme.colorPrimary, bg, extreme),
    "--o-bg": bg,
    "--o-text": text,
    "--o-muted": readable(hex(rgb(text).map((v, i) => (v + rgb(bg)[i]) / 2)), bg, text),
    "--o-danger": theme.colorDanger,
    "--o-danger-text": readable(theme.colorDanger, bg, extreme),
    "--o-on-danger": contrast("#FFFFFF", theme.colorDanger) >= 4.5 ? "#FFFFFF" : "#000000",
    "--o-font": theme.fontFamily,
    "--o-radius": theme.borderRadius,
    "--o-space": theme.spacingUnit,
  };
  const root = document.documentElement;
  for (const [name, value] of Object.entries(vars)) root.style.setProperty(name, value);
  root.style.colorScheme = dark ? "dark" : "light";
  root.dataset.scheme = dark ? "dark" : "light";
}
