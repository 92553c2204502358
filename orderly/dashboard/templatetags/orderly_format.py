"""How the dashboard shows values: one filter per kind, so no page prints an internal repr.

    {% load orderly_format %}
    {{ order.totals.total|money:order.currency }}   $1,234.50 · 80.93 SEK · ¥1,200
    {{ order.status|status_badge }}                  <span class="badge badge-on_hold">On hold</span>
    {{ order.status|status_label }}                  On hold
    {{ operation.type|type_label }}                  Add order note
    {{ order.order_number|order_number }}            #1001 (never ##1001)
    {{ event.created_at|when }}                      <time title="…">Dec 1, 2026, 11:38 UTC</time>
    {{ event.created_at|ago }}                       <time title="Dec 1, 2026, 11:38:02 UTC">3 minutes ago</time>
    {{ operation.output|pretty_json }}               <pre> or a <details> for long values
    {{ exc.detail|messages }}                        ErrorDetail/list/dict → plain sentences
"""

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince, timeuntil

register = template.Library()

# ISO 4217 minor units where they are not 2, and the symbols staff read without the code.
ZERO_DECIMAL = {"JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD", "UGX", "XAF", "XOF"}
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$"}
# Words kept in capitals when a snake_case name is turned into a label.
ACRONYMS = {"id": "ID", "api": "API", "url": "URL", "po": "PO", "sku": "SKU", "ip": "IP", "oauth": "OAuth"}
EMPTY = "—"


@register.filter
def money(value, currency="USD"):
    """A currency-aware amount with the currency's decimals (two for most); — when absent."""
    if value is None or value == "" or isinstance(value, bool):
        return EMPTY
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return EMPTY
    code = (currency or "").upper()
    places = Decimal(1) if code in ZERO_DECIMAL else Decimal("0.01")
    amount = amount.quantize(places, rounding=ROUND_HALF_UP)
    number = f"{abs(amount):,}"
    sign = "−" if amount < 0 else ""
    if code in SYMBOLS:
        return f"{sign}{SYMBOLS[code]}{number}"
    return f"{sign}{number} {code}".strip()


def _words(value) -> list[str]:
    text = str(value or "").replace(".", " ").replace("_", " ").replace("-", " ")
    return [w for w in text.split() if w]


@register.filter
def type_label(value):
    """`add_order_note` → "Add order note"; `order.status_changed` → "Order status changed"."""
    words = _words(value)
    if not words:
        return EMPTY
    out = [ACRONYMS.get(w.lower(), w.lower()) for w in words]
    out[0] = out[0] if out[0] in ACRONYMS.values() else out[0].capitalize()
    return " ".join(out)


@register.filter
def status_label(value):
    """`on_hold` → "On hold": one spelling of every status on every page."""
    return type_label(value)


@register.filter
def status_badge(value):
    if not value:
        return EMPTY
    return format_html('<span class="badge badge-{}">{}</span>', str(value), status_label(value))


@register.filter
def order_number(value):
    """Order numbers arrive as "1001" or "#1001"; staff always read "#1001"."""
    text = str(value or "").strip().lstrip("#").strip()
    return f"#{text}" if text else EMPTY


def _aware(value):
    if isinstance(value, str):
        value = parse_datetime(value)  # ISO strings kept in JSON (operation logs)
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
    return None


def _absolute(value, *, seconds=False) -> str:
    moment = _aware(value).astimezone(dt.UTC)
    fmt = "%b %-d, %Y, %H:%M:%S UTC" if seconds else "%b %-d, %Y, %H:%M UTC"
    return moment.strftime(fmt)


@register.filter
def when(value):
    """An absolute time with its time zone, machine-readable for the browser."""
    if _aware(value) is None:
        return EMPTY
    moment = _aware(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(),
        _absolute(moment, seconds=True),
        _absolute(moment),
    )


@register.filter
def ago(value):
    """A relative time ("3 minutes ago", "in 2 days") with the absolute UTC time on hover."""
    moment = _aware(value)
    if moment is None:
        return EMPTY
    now = timezone.now()
    if moment > now + dt.timedelta(seconds=30):
        text = f"in {timeuntil(moment, now, depth=1)}"
    elif now - moment < dt.timedelta(minutes=1):
        text = "just now"
    else:
        text = f"{timesince(moment, now, depth=1)} ago"
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', moment.isoformat(), _absolute(moment, seconds=True), text
    )


@register.filter
def pretty_json(value, summary=""):
    """A JSON value, indented; longer than a few lines it collapses behind a summary."""
    if value in (None, "", {}, []):
        return format_html('<span class="muted">{}</span>', "None")
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)
    lines = text.count("\n") + 1
    if lines <= 6:
        return format_html('<pre class="code json">{}</pre>', text)
    label = summary or f"{lines} lines"
    return format_html(
        '<details class="json"><summary>{}</summary><pre class="code json">{}</pre></details>', label, text
    )


@register.filter
def messages(value):
    """Validation details (DRF ErrorDetail, lists, dicts) as the sentences a person reads."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return " ".join(messages(v) for v in value.values())
    if isinstance(value, list | tuple):
        return " ".join(messages(v) for v in value)
    return str(value)


@register.filter
def scope_list(value):
    """Scopes as short code chips instead of one long comma string."""
    scopes = list(value or [])
    if not scopes:
        return EMPTY
    return format_html(
        '<span class="chips">{}</span>', format_html_join("", '<code class="chip">{}</code>', ((s,) for s in scopes))
    )


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 × 10^k at or above `value` (an axis that reads well)."""
    if value <= 1:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


@register.simple_tag
def bar_chart(series, title=""):
    """A daily bar chart as inline SVG: a y axis with values, dated x labels, each bar's value.

    SVG attributes carry the geometry, so the page needs no inline style (CSP style-src 'self').
    """
    width, height, left, right, top, bottom = 560, 200, 40, 8, 18, 30
    points = list(series or [])
    if not points:
        return format_html('<p class="muted">{}</p>', "No data yet.")
    peak = _nice_ceiling(max(p["count"] for p in points))
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / len(points)
    parts = []
    for tick in sorted({0, peak // 2, peak}):
        y = top + plot_h - plot_h * tick / peak
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                left, width - right, f"{y:.1f}", f"{y:.1f}", left - 6, f"{y + 4:.1f}", tick,
            )
        )
    label_every = max(1, len(points) // 7)
    for index, point in enumerate(points):
        bar_h = plot_h * point["count"] / peak
        x = left + index * slot + slot * 0.15
        y = top + plot_h - bar_h
        day = point["day"].strftime("%b %-d")
        parts.append(
            format_html(
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}" rx="2"><title>{}: {}</title></rect>',
                f"{x:.1f}", f"{y:.1f}", f"{slot * 0.7:.1f}", f"{max(bar_h, 1):.1f}", day, point["count"],
            )
        )
        if point["count"]:
            parts.append(
                format_html(
                    '<text class="value" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x + slot * 0.35:.1f}", f"{y - 4:.1f}", point["count"],
                )
            )
        if index % label_every == 0 or index == len(points) - 1:
            parts.append(
                format_html(
                    '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x + slot * 0.35:.1f}", height - 10, day,
                )
            )
    total = sum(p["count"] for p in points)
    first, last = points[0]["day"].strftime("%b %-d"), points[-1]["day"].strftime("%b %-d")
    label = f"{title}: {total} from {first} to {last}" if title else f"{total} from {first} to {last}"
    svg = format_html(
        '<svg class="bar-chart" viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg>',
        width, height, label, format_html_join("", "{}", ((p,) for p in parts)),
    )
    rows = format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", ((p["day"].strftime("%b %-d, %Y"), p["count"]) for p in points))
    table = format_html(
        '<details class="chart-table"><summary>Show as a table</summary>'
        '<table class="list compact"><thead><tr><th>Day</th><th>Count</th></tr></thead><tbody>{}</tbody></table></details>',
        rows,
    )
    return format_html("{}{}", svg, table)


# Dashboard pages of the event log's resource types (URL names only: the kernel imports no app).
RESOURCE_PAGES = {
    "order": "orders_dashboard:detail",
    "action_request": "actions:detail",
    "operation": "operations:detail",
    "webhook": "webhooks:detail",
    "end_user": "embed:end_user",
}


@register.filter
def resource_link(event):
    """The event's resource in words, linked to its dashboard page when it has one."""
    label = type_label(event.resource_type) if event.resource_type else EMPTY
    name = RESOURCE_PAGES.get(event.resource_type)
    if not name or not event.resource_id:
        return label
    try:
        url = reverse(name, args=[event.resource_id])
    except NoReverseMatch:
        return label
    return format_html('<a href="{}">{}</a>', url, label)
