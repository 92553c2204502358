"""Dashboard forms: the approve/deny decision (the queue's filters are actions.filters.ActionRequestQueueFilter)."""

from django import forms

from actions.models import ActionStatus


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(choices=[(ActionStatus.APPROVED, "Approve"), (ActionStatus.DENIED, "Deny")])
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Note"
    )
