"""Dashboard forms for the embed configuration; validation is the API's own (one rule, one place)."""

from django import forms

from bridges.registry import BRIDGE_TYPES
from orderly.features import FEATURES


class EmbedConfigForm(forms.Form):
    slug = forms.CharField(max_length=63)
    company_name = forms.CharField(max_length=100, required=False)
    primary_color = forms.CharField(
        max_length=7, required=False, widget=forms.TextInput(attrs={"type": "color"})
    )
    logo_url = forms.CharField(max_length=500, required=False)
    allowed_origins = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One origin per line, e.g. https://app.example.com",
    )
    enabled_features = forms.MultipleChoiceField(
        choices=[(f, f.replace("_", " ").capitalize()) for f in FEATURES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    allowed_bridge_types = forms.MultipleChoiceField(
        choices=[(t.id, t.name) for t in BRIDGE_TYPES.values()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_active = forms.BooleanField(required=False)

    def to_changes(self) -> dict:
        """The same body `PATCH /embed/config` takes, so the API's serializer validates it."""
        data = self.cleaned_data
        branding = {
            "primary_color": data["primary_color"] or None,
            "company_name": data["company_name"] or None,
        }
        if data["logo_url"]:
            branding["logo_url"] = data["logo_url"]
        return {
            "slug": data["slug"],
            "branding": branding,
            "allowed_origins": [
                line.strip() for line in data["allowed_origins"].splitlines() if line.strip()
            ],
            "enabled_features": data["enabled_features"],
            "allowed_bridge_types": data["allowed_bridge_types"],
            "is_active": data["is_active"],
        }


class EndUserSearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search")


class EventFilterForm(forms.Form):
    event_type = forms.CharField(required=False, label="Type")
    end_user_id = forms.UUIDField(required=False, label="End user id")
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
