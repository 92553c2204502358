"""The dashboard's value filters: what staff read instead of internal reprs."""

import datetime as dt

import pytest
import time_machine
from rest_framework.exceptions import ErrorDetail

from orderly.dashboard.templatetags import orderly_format as f


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        (24.0, "USD", "$24.00"),
        ("80.93", "SEK", "80.93 SEK"),
        (32, "usd", "$32.00"),
        (1234.5, "EUR", "€1,234.50"),
        (1200, "JPY", "¥1,200"),
        (-5, "GBP", "−£5.00"),
        (0.005, "USD", "$0.01"),
        (None, "USD", "—"),
        ("n/a", "USD", "—"),
        (True, "USD", "—"),
    ],
)
def test_money(value, currency, shown):
    assert f.money(value, currency) == shown


def test_labels():
    assert f.status_label("on_hold") == "On hold"
    assert f.type_label("add_order_note") == "Add order note"
    assert f.type_label("order.status_changed") == "Order status changed"
    assert f.type_label("api_key") == "API key"
    assert str(f.status_badge("on_hold")) == '<span class="badge badge-on_hold">On hold</span>'
    assert f.order_number("#1001") == f.order_number("1001") == "#1001"
    assert f.order_number("") == "—"


@time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC), tick=False)
def test_times_are_absolute_with_zone_or_relative_with_the_absolute_on_hover():
    moment = dt.datetime(2026, 12, 1, 11, 57, 2, tzinfo=dt.UTC)
    assert str(f.when(moment)) == (
        '<time datetime="2026-12-01T11:57:02+00:00" title="Dec 1, 2026, 11:57:02 UTC">Dec 1, 2026, 11:57 UTC</time>'
    )
    assert ">2\xa0minutes ago</time>" in str(f.ago(moment))  # 2 min 58 s: whole minutes
    assert 'title="Dec 1, 2026, 11:57:02 UTC"' in str(f.ago(moment))
    assert ">in 2\xa0days</time>" in str(f.ago(moment + dt.timedelta(days=2, minutes=5)))
    assert "Dec 1, 2026, 11:57 UTC" in str(f.when("2026-12-01T11:57:02.000Z"))  # ISO kept in JSON logs
    assert f.when(None) == f.ago(None) == "—"


def test_json_is_pretty_escaped_and_long_values_collapse():
    short = str(f.pretty_json({"note": "<b>hi</b>"}))
    assert short == '<pre class="code json">{\n  &quot;note&quot;: &quot;&lt;b&gt;hi&lt;/b&gt;&quot;\n}</pre>'
    long = str(f.pretty_json({str(n): n for n in range(10)}))
    assert long.startswith('<details class="json"><summary>12 lines</summary>')
    assert "None" in str(f.pretty_json(None))


def test_validation_messages_are_sentences():
    detail = {"logo_url": [ErrorDetail(string="Must be an https URL.", code="invalid")]}
    assert f.messages(detail) == "Must be an https URL."


def test_bar_chart_has_axes_dates_and_values():
    series = [{"day": dt.date(2026, 11, 18) + dt.timedelta(days=n), "count": n % 4} for n in range(14)]
    svg = str(f.bar_chart(series, "Orders per day"))
    assert 'role="img" aria-label="Orders per day: 19 from Nov 18 to Dec 1"' in svg
    assert ">Nov 18</text>" in svg and ">Dec 1</text>" in svg  # dated x axis
    assert '<text class="axis" x="34" y="22.0" text-anchor="end">5</text>' in svg  # y axis: a round peak
    assert '<text class="value"' in svg and ">3</text>" in svg  # each bar's value
    assert "style=" not in svg
    assert "<td>Dec 1, 2026</td><td>1</td>" in svg  # the same numbers as a table


def test_event_resources_link_to_their_pages():
    from types import SimpleNamespace

    order_event = SimpleNamespace(resource_type="order", resource_id="8a3f2c1e-0000-4000-8000-000000000001")
    assert str(f.resource_link(order_event)) == (
        '<a href="/dashboard/orders/8a3f2c1e-0000-4000-8000-000000000001/">Order</a>'
    )
    assert f.resource_link(SimpleNamespace(resource_type="shipment", resource_id="x")) == "Shipment"
    assert f.resource_link(SimpleNamespace(resource_type="order", resource_id="not-a-uuid")) == "Order"
