"""The base view every API endpoint derives from: auth, default-deny, tenant scoping, envelopes."""

import uuid

import django_filters
from rest_framework import status as http
from rest_framework.response import Response
from rest_framework.views import APIView

from orderly.api.filters import WireNamedFilterSet
from orderly.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from orderly.errors import DomainError, ErrorCode, not_found

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


class ApiView(APIView):
    required = None  # a Requirement, or {"GET": Requirement, ...}; None refuses everything
    # A list's `limit`: `self.paginate()` enforces these and the schema documents them.
    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

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
        """One page of an ordered queryset within this view's limits (`orderly.api.pagination`)."""
        return paginate(
            self.request,
            queryset,
            serializer_class,
            default_limit=self.default_limit,
            max_limit=self.max_limit,
            **kwargs,
        )
