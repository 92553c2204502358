"""The base view every API endpoint derives from: auth, default-deny, tenant scoping, envelopes,
405 before authentication and `Idempotency-Key` on every POST (CONTRACT §3 rev. 2)."""

import json
import re
import uuid

import django_filters
from django.db import DatabaseError, transaction
from rest_framework import exceptions
from rest_framework import status as http
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from orderly.api.filters import WireNamedFilterSet
from orderly.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from orderly.errors import DomainError, ErrorCode, not_found
from orderly.idempotency import services as idempotency

IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")

# FilterSet constructors that only read the query string (no defaults filled in).
_PLAIN_FILTERSET_INITS = {django_filters.FilterSet.__init__, WireNamedFilterSet.__init__}


def ok(data, status: int = http.HTTP_200_OK, headers: dict | None = None) -> Response:
    return Response({"data": data}, status=status, headers=headers)


def deleted() -> Response:
    return Response({"success": True})


def _unfiltered(filterset_class, params, queryset):
    """What `filterset_class` makes of `queryset` when the query string has none of its parameters,
    without building it: the queryset itself for a FilterSet that sets no defaults (no `__init__`
    beyond the shared ones), its `without_params(queryset)` for one that does; None otherwise."""
    names = {*filterset_class.base_filters, *getattr(filterset_class, "wire_names", {}).values()}
    if any(name in params for name in names):
        return None
    if hasattr(filterset_class, "without_params"):
        return filterset_class.without_params(queryset)
    if filterset_class.__init__ in _PLAIN_FILTERSET_INITS:
        return queryset
    return None
class _Replay(Exception):
    def __init__(self, response):
        self.response = response


class _NotKept(Exception):
    """A 5xx answer (or one whose transaction broke): its work is rolled back and its key freed."""

    def __init__(self, response):
        self.response = response


class ApiView(APIView):
    required = None  # a Requirement, or {"GET": Requirement, ...}; None refuses everything
    # A list's `limit`: `self.paginate()` enforces these and the schema documents them.
    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def initial(self, request, *args, **kwargs):
        # A method the route does not serve is a 405 whoever asks, before any credential is read.
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        if request.method == "POST" and "HTTP_IDEMPOTENCY_KEY" in request.META:
            self._run_idempotently(request, kwargs)

    def idempotency_scope(self) -> tuple[object, str] | None:
        """(organization, namespace) of the caller's keys: per organization for an API key, per end
        user for a session. None (a request with no credential) runs without keeping its answer."""
        principal = self.request.auth
        if principal is None or getattr(principal, "organization", None) is None:
            return None
        scope = f"org:{principal.organization.pk}"
        if principal.is_session:
            scope += f":user:{principal.end_user.pk}"
        return principal.organization, scope

    def _run_idempotently(self, request, kwargs) -> None:
        key = request.META["HTTP_IDEMPOTENCY_KEY"]
        if not IDEMPOTENCY_KEY.fullmatch(key):
            raise DomainError(
                ErrorCode.VALIDATION_ERROR,
                "Invalid Idempotency-Key header.",
                details={"Idempotency-Key": ["Use 1–255 visible ASCII characters."]},
            )
        owner = self.idempotency_scope()
        if owner is None:
            return
        organization, scope = owner
        endpoint = f"{type(self).__module__}.{type(self).__qualname__}:" + ",".join(
            f"{k}={v}" for k, v in sorted(kwargs.items())
        )
        outcome = idempotency.idempotency_begin(
            organization=organization,
            scope=scope,
            key=key,
            fingerprint=idempotency.idempotency_fingerprint(
                method=request.method, endpoint=endpoint, body=request._request.body
            ),
        )
        if isinstance(outcome, idempotency.Replay):
            replayed = Response(json.loads(outcome.body), status=outcome.status)
            replayed["Idempotent-Replayed"] = "true"
            raise _Replay(replayed)
        handler = getattr(self, request.method.lower())

        def handle_and_keep(request, *args, **kwargs):
            # The work and its kept answer commit together: a crash in between leaves neither.
            try:
                with transaction.atomic():
                    try:
                        response = handler(request, *args, **kwargs)
                    except Exception as exc:  # noqa: BLE001 - answered here, inside the transaction
                        response = self.handle_exception(exc)
                    if response.status_code >= 500:
                        raise _NotKept(response)
                    body = JSONRenderer().render(getattr(response, "data", None))
                    try:
                        idempotency.idempotency_complete(
                            record=outcome, status=response.status_code, body=body
                        )
                    except DatabaseError:
                        raise _NotKept(response) from None
            except _NotKept as not_kept:
                idempotency.idempotency_release(record=outcome)
                return not_kept.response
            except DatabaseError:
                idempotency.idempotency_release(record=outcome)  # the commit itself failed
                raise
            return response

        setattr(self, request.method.lower(), handle_and_keep)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    @property
    def principal(self):
        return self.request.auth

    @property
    def organization(self):
        return self.principal.organization

    def scoped(self, queryset):
        """Only what the caller may see: the session's end user, else the key's organization."""
        principal = self.principal
        if principal.is_session:
            return queryset.for_end_user(principal.end_user)
        return queryset.for_organization(principal.organization)

    def get_scoped_object(self, queryset, pk, what: str = "Resource"):
        """Another tenant's or end user's object is indistinguishable from a missing one: 404."""
        try:
            pk = uuid.UUID(str(pk))
        except ValueError:
            raise not_found(what) from None
        # One row by primary key: no ORDER BY (`.first()` would add the model's ordering).
        obj = next(iter(self.scoped(queryset).filter(pk=pk).order_by()[:1]), None)
        if obj is None:
            raise not_found(what)
        return obj

    def validated(self, serializer_class, data=None, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data if data is None else data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def filtered(self, filterset_class, queryset):
        """Apply a django-filter FilterSet to the query string; bad filter values are a 400.

        With none of its parameters in the query string the FilterSet is not built (`_unfiltered`):
        building its form was a good part of a small list's cost."""
        unfiltered = _unfiltered(filterset_class, self.request.query_params, queryset)
        if unfiltered is not None:
            return unfiltered
        filterset = filterset_class(self.request.query_params, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            wire_names = getattr(filterset, "wire_names", {})
            details = {wire_names.get(name, name): list(errors) for name, errors in filterset.errors.items()}
            raise DomainError(ErrorCode.VALIDATION_ERROR, "Invalid filter.", details=details)
        return filterset.qs

    def paginate(self, queryset, serializer_class, **kwargs) -> Response:
        """One page of an ordered queryset within this view's limits (`orderly.api.pagination`);
        `one_scan=True` for a search."""
        return paginate(
            self.request,
            queryset,
            serializer_class,
            default_limit=self.default_limit,
            max_limit=self.max_limit,
            **kwargs,
        )
