"""Wire formats shared by every serializer: ISO 8601 UTC with milliseconds and a `Z`."""

import datetime as dt
import re

from django.conf import settings
from rest_framework import serializers


def iso_ms(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    value = value.astimezone(dt.UTC)
    # Not strftime("%Y"): glibc writes year 227 as "227", which is not RFC 3339 (four digits).
    return f"{value.year:04d}-" + value.strftime("%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class IsoDateTimeField(serializers.DateTimeField):
    def to_representation(self, value):
        return iso_ms(value) if value else None


class ShapedJSONField(serializers.JSONField):
    """A JSON column as the API shows it, with its real shape for the OpenAPI schema: `shape` is a
    JSON Schema (2020-12, OpenAPI 3.1's dialect); `component` names it when several outputs share it
    (Address, Totals, LineItem…). An empty `shape` means any JSON value, null included."""

    def __init__(self, shape: dict, *, component: str | None = None, needs: dict | None = None, **kwargs):
        self.shape = shape
        self.component = component
        self.needs = needs or {}  # components `shape` refers to, by name
        super().__init__(**kwargs)


ANY_OBJECT = {"type": "object", "additionalProperties": True}


def shaped(shape: dict, component: str | None = None, **kwargs) -> ShapedJSONField:
    return ShapedJSONField(shape, component=component, **kwargs)


def component_ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


# URLs as patterns every generator and validator reads alike (the schema's `pattern`), each a subset
# of what its field accepts, so a URL the schema allows is accepted: ASCII host names of at most four
# labels (at most 253 characters, DNS's limit), localhost or IPv4, an optional port.
_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
_NAME = rf"(?:{_LABEL}\.){{1,3}}(?:[a-zA-Z]{{2,61}}|xn--[a-zA-Z0-9]{{1,57}})"
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_PORT = r"(?::(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
# RFC 3986's path, query and fragment (a `format: uri` validator refuses the rest, e.g. a control
# character or a "[" that Django's URLValidator lets through): `uri_characters` refuses them on the
# way in.
_PCHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
_REST = rf"(?:/(?:{_PCHAR}|/)*)?(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"
_URI_FORM = re.compile(rf"[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s]*{_REST}")


def uri_characters(value: str) -> None:
    """A URL field's validator: after the host, only what RFC 3986 allows where it stands."""
    if not _URI_FORM.fullmatch(value):
        raise serializers.ValidationError("Enter a valid URL.")


# Django's URLValidator (every URLField): its schemes, optional credentials.
URL_PATTERN = rf"^(?:https?|ftps?)://(?:[^\s:@/]+(?::[^\s:@/]*)?@)?(?:{_NAME}|localhost|{_OCTET}(?:\.{_OCTET}){{3}}){_PORT}{_REST}$"


class UriField(serializers.URLField):
    """A URLField whose value is also an RFC 3986 URI, as the schema's `format: uri` says."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(uri_characters)


class HttpsUrlField(UriField):
    """A link shown to people (branding): https, or http on this machine (`BrandingInput`)."""

    schema_pattern = rf"^(?:https://(?:{_NAME}|{_OCTET}(?:\.{_OCTET}){{3}})|http://(?:localhost|127\.0\.0\.1)){_PORT}{_REST}$"


class ReceiverUrlField(UriField):
    """A URL Orderly POSTs to (webhooks, alert webhooks), as `webhooks.ssrf.url_check` takes it:
    https (and http where ORDERLY_WEBHOOKS_ALLOW_PRIVATE is on), a host name, no credentials. Its
    `schema_pattern` says so in the schema; a name that resolves to a private address is still refused."""

    @property
    def schema_pattern(self) -> str:
        scheme = "https?" if settings.ORDERLY_WEBHOOKS_ALLOW_PRIVATE else "https"
        return rf"^{scheme}://{_NAME}{_PORT}{_REST}$"
