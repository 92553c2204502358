"""Query-string filters of the action-request lists; an unknown value is a 400."""

import django_filters

from actions.models import ActionRequest, ActionStatus, ActionType


class ActionRequestFilter(django_filters.FilterSet):
    """The end user's own list: `?status=`."""

    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)

    class Meta:
        model = ActionRequest
        fields: list = []


class QueueFilter(django_filters.FilterSet):
    """The organization's queue: `?status=` (default pending, `all` for every status)."""

    status = django_filters.ChoiceFilter(
        choices=[*ActionStatus.choices, ("all", "All")], method="filter_status", empty_label=None
    )
    action_type = django_filters.ChoiceFilter(choices=ActionType.choices)

    class Meta:
        model = ActionRequest
        fields: list = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = ActionStatus.PENDING
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(status=value)
