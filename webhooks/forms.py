"""Dashboard form for an organization webhook; the API's serializer validates what it sends."""

from django import forms

from webhooks.topics import SUBSCRIBABLE_TOPICS


class WebhookCreateForm(forms.Form):
    url = forms.CharField(
        max_length=2000, label="Endpoint URL", help_text="An https URL on the public internet.",
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/orderly/webhooks"}),
    )
    description = forms.CharField(max_length=200, required=False)
    events = forms.MultipleChoiceField(
        choices=[(topic, topic) for topic in SUBSCRIBABLE_TOPICS], widget=forms.CheckboxSelectMultiple,
        label="Events to send",
    )
