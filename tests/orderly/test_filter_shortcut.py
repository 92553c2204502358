"""`ApiView.filtered` skips building a FilterSet when the query string has none of its parameters;
for every FilterSet the shortcut must give the very query the FilterSet itself gives."""

import django_filters
import pytest

from orderly.api.views import _unfiltered

pytestmark = pytest.mark.django_db


def _filtersets():
    import actions.filters
    import embed.filters
    import operations.filters
    import orders.filters

    modules = (actions.filters, embed.filters, operations.filters, orders.filters)
    found = {
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, django_filters.FilterSet) and value.__module__ == module.__name__
    }
    return sorted(found, key=lambda cls: cls.__qualname__)


@pytest.mark.parametrize("filterset_class", _filtersets(), ids=lambda cls: cls.__qualname__)
def test_an_empty_query_string_gives_the_filtersets_own_query(filterset_class):
    # given the model's queryset and no parameters (beyond the paginator's)
    queryset = filterset_class._meta.model.objects.all()
    params = {"page": "1", "limit": "20"}
    # when the shortcut answers
    shortcut = _unfiltered(filterset_class, params, queryset)
    # then it is the FilterSet's own answer, or it declines
    if shortcut is not None:
        assert str(shortcut.query) == str(filterset_class(params, queryset=queryset).qs.query)


def test_a_parameter_present_builds_the_filterset():
    from orders.filters import OrderFilter
    from orders.models import Order

    assert _unfiltered(OrderFilter, {"status": "pending"}, Order.objects.all()) is None
