"""Dashboard forms for the embed configuration; validation is the API's own (one rule, one place)."""

from django import forms

from bridges.registry import BRIDGE_TYPES
from embed.api.serializers import BrandingInput
from orderly.features import FEATURES


class EmbedConfigForm(forms.Form):
    slug = forms.CharField(
        max_length=63, help_text="Public name of the config: the embed and the tracking lookup page use it."
    )
    company_name = forms.CharField(max_length=100, required=False)
    primary_color = forms.CharField(
        max_length=7,
        required=False,
        label="Brand colour",
        help_text="Hex, like #4F46E5. Text on it is black or white, whichever reads better.",
        widget=forms.TextInput(attrs={"pattern": "#[0-9A-Fa-f]{6}", "spellcheck": "false", "size": 8}),
    )
    logo_url = forms.CharField(
        max_length=500, required=False, label="Logo URL", help_text="An https URL of a PNG, SVG or JPEG."
    )
    support_url = forms.CharField(
        max_length=500, required=False, label="Help page URL", help_text="Shown to customers as “Contact …”."
    )
    support_email = forms.CharField(
        max_length=254, required=False, label="Help e-mail", help_text="Used when there is no help page URL."
    )
    tracking_show_order_number = forms.BooleanField(
        required=False, label="Show the order number on tracking pages"
    )
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

    def to_changes(self, config=None) -> dict:
        """The same body `PATCH /embed/config` takes, so the API's serializer validates it.

        Branding and settings keys the form does not show (e.g. `secondary_color`) are kept.
        """
        data = self.cleaned_data
        known = BrandingInput().fields
        existing_branding = {k: v for k, v in ((config.branding if config else None) or {}).items() if k in known}
        branding = {
            **existing_branding,
            "primary_color": data["primary_color"] or None,
            "company_name": data["company_name"] or None,
            "logo_url": data["logo_url"] or None,
            "support_url": data["support_url"] or None,
            "support_email": data["support_email"] or None,
        }
        settings = {
            **dict((config.settings if config else None) or {}),
            "trackingShowOrderNumber": data["tracking_show_order_number"],
        }
        return {
            "slug": data["slug"],
            "branding": branding,
            "settings": settings,
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
