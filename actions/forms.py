"""Dashboard forms: the queue's filters (GET) and the approve/deny decision (POST)."""

from django import forms

from actions.models import ActionStatus, ActionType

AGE_CHOICES = [
    ("", "Any age"),
    ("1", "Older than 1 day"),
    ("3", "Older than 3 days"),
    ("5", "Older than 5 days"),
]


class QueueFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.ChoiceField(
        required=False, choices=[*ActionStatus.choices, ("all", "All statuses")], initial=ActionStatus.PENDING
    )
    action_type = forms.ChoiceField(
        required=False, choices=[("", "All types"), *ActionType.choices], label="Type"
    )
    end_user = forms.ChoiceField(required=False, choices=[("", "All end users")], label="End user")
    age = forms.ChoiceField(required=False, choices=AGE_CHOICES)

    def __init__(self, data=None, *, end_users=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["end_user"].choices = [("", "All end users")] + [
            (str(user.pk), user.name or user.external_id) for user in end_users
        ]

    def filters(self) -> dict:
        """Keyword arguments for selectors.action_request_queue; invalid values fall back to the defaults."""
        self.is_valid()  # a bad value drops only its own filter
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or ActionStatus.PENDING,
            "action_type": data.get("action_type") or None,
            "end_user_id": data.get("end_user") or None,
            "older_than_days": int(data["age"]) if data.get("age") else None,
            "search": (data.get("q") or "").strip(),
        }


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(choices=[(ActionStatus.APPROVED, "Approve"), (ActionStatus.DENIED, "Deny")])
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Note"
    )
