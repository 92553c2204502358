"""Dashboard pages for end users, the event log and the embed configuration."""

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from bridges.selectors import bridges_with_recent_runs
from embed.api.serializers import BrandingInput, ConfigUpdateInput
from embed.forms import EmbedConfigForm, EndUserSearchForm, EventFilterForm
from embed.selectors import embed_config_get
from embed.services import embed_config_upsert, embed_identity_secret_rotate, embed_publishable_key_rotate
from orderly.accounts.models import EndUser
from orderly.colors import readable_on_white, text_color_on
from orderly.dashboard.access import AdminRequiredMixin, FramedPreviewMixin, StaffMixin
from orderly.dashboard.pagination import paginate_page
from orderly.errors import DomainError
from orderly.events.models import Event
from orderly.events.selectors import event_types_for_organization
from orders.models import Order


class EndUserListView(StaffMixin, TemplateView):
    template_name = "dashboard/embed/end_users.html"

    def get_context_data(self, **kwargs):
        form = EndUserSearchForm(self.request.GET)
        queryset = EndUser.objects.for_organization(self.organization).annotate(
            bridge_count=Count("bridges", distinct=True), order_count=Count("orders", distinct=True)
        )
        if form.is_valid() and form.cleaned_data["q"]:
            q = form.cleaned_data["q"]
            queryset = queryset.filter(
                Q(name__icontains=q) | Q(email__icontains=q) | Q(external_id__icontains=q)
            )
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": paginate_page(self.request, queryset.order_by("-created_at", "-id")),
            "q": self.request.GET.get("q", ""),
        }


class EndUserDetailView(StaffMixin, TemplateView):
    template_name = "dashboard/embed/end_user_detail.html"

    def get_context_data(self, **kwargs):
        end_user = EndUser.objects.for_organization(self.organization).filter(pk=kwargs["pk"]).first()
        if end_user is None:
            raise Http404
        now = timezone.now()
        sessions = list(end_user.sessions.order_by("-created_at")[:20])
        for session in sessions:
            session.state = (
                "revoked" if session.revoked_at else ("expired" if session.expires_at <= now else "active")
            )
        return {
            **super().get_context_data(**kwargs),
            "end_user": end_user,
            "bridges": bridges_with_recent_runs(end_user.bridges.order_by("-created_at")),
            "sessions": sessions,
            "orders": Order.objects.filter(end_user=end_user).order_by("-created_at")[:20],
        }


class EventListView(StaffMixin, TemplateView):
    template_name = "dashboard/embed/events.html"

    def get_context_data(self, **kwargs):
        form = EventFilterForm(self.request.GET)
        queryset = Event.objects.for_organization(self.organization)
        if form.is_valid():
            data = form.cleaned_data
            if data["event_type"]:
                queryset = queryset.filter(event_type=data["event_type"])
            if data["end_user_id"]:
                queryset = queryset.filter(end_user_id=data["end_user_id"])
            if data["date_from"]:
                queryset = queryset.filter(
                    created_at__gte=dt.datetime.combine(data["date_from"], dt.time.min, dt.UTC)
                )
            if data["date_to"]:
                queryset = queryset.filter(
                    created_at__lt=dt.datetime.combine(data["date_to"], dt.time.min, dt.UTC)
                    + dt.timedelta(days=1)
                )
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": paginate_page(self.request, queryset.order_by("-created_at", "-id")),
            "event_types": event_types_for_organization(organization=self.organization),
        }


def add_api_errors(form, errors: dict) -> None:
    """The API serializer's errors on the form's own fields, as plain sentences.

    Nested objects (`branding`) name form fields by their own keys; what matches no field is a
    form-wide error labelled in words, never an `ErrorDetail(...)` repr.
    """
    for field, value in errors.items():
        if isinstance(value, dict) and all(isinstance(key, int) for key in value):
            # A list's items (`allowed_origins`): each item's messages are the list field's own.
            value = [m for item in value.values() for m in (item if isinstance(item, list) else [item])]
        elif isinstance(value, dict):
            add_api_errors(form, value)
            continue
        name = field if field in form.fields else None
        for message in value if isinstance(value, list) else [value]:
            text = str(message)
            label = str(field).replace("_", " ").capitalize()
            form.add_error(name, text if name else f"{label}: {text}")


class EmbedConfigView(AdminRequiredMixin, FormView):
    template_name = "dashboard/embed/config.html"
    form_class = EmbedConfigForm

    def get_initial(self):
        config = embed_config_get(organization=self.organization)
        if config is None:
            return {"is_active": True, "primary_color": "#4F46E5"}
        branding = config.branding or {}
        return {
            "slug": config.slug,
            "company_name": branding.get("company_name") or "",
            "primary_color": branding.get("primary_color") or "#4F46E5",
            "logo_url": branding.get("logo_url") or "",
            "support_url": branding.get("support_url") or "",
            "support_email": branding.get("support_email") or "",
            "tracking_show_order_number": (config.settings or {}).get("trackingShowOrderNumber") is True,
            "allowed_origins": "\n".join(config.allowed_origins or []),
            "enabled_features": config.enabled_features,
            "allowed_bridge_types": config.allowed_bridge_types,
            "is_active": config.is_active,
        }

    def get_context_data(self, **kwargs):
        config = embed_config_get(organization=self.organization)
        return {**super().get_context_data(**kwargs), "config": config}

    def form_valid(self, form):
        config = embed_config_get(organization=self.organization)
        serializer = ConfigUpdateInput(data=form.to_changes(config))
        if not serializer.is_valid():
            add_api_errors(form, serializer.errors)
            return self.form_invalid(form)
        try:
            embed_config_upsert(organization=self.organization, changes=serializer.validated_data)
        except DomainError as exc:
            for field, errors in exc.details.items():
                form.add_error(field if field in form.fields else None, "; ".join(map(str, errors)))
            return self.form_invalid(form)
        messages.success(self.request, "Embed configuration saved.")
        return redirect("embed:config")


def _preview_branding(query) -> dict:
    """Branding typed into the config form, each value checked as the API checks it (bad → default)."""
    branding = {}
    for name in ("primary_color", "company_name", "logo_url"):
        value = (query.get(name) or "").strip()
        if value and BrandingInput(data={name: value}).is_valid():
            branding[name] = value
    branding.setdefault("primary_color", "#4F46E5")
    return branding


class EmbedPreviewView(FramedPreviewMixin, StaffMixin, TemplateView):
    """What end users see in the embed, with the app's own stylesheet, in the branding being edited."""

    template_name = "dashboard/embed/preview_embed.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "branding": _preview_branding(self.request.GET)}


class EmbedPreviewThemeView(StaffMixin, View):
    """The embed app's theme variables for the preview (the app computes the same from branding)."""

    def get(self, request):
        color = _preview_branding(request.GET)["primary_color"]
        css = (
            f":root {{ --o-primary: {color}; --o-on-primary: {text_color_on(color)}; "
            f"--o-primary-text: {readable_on_white(color)}; }}\n"
        )
        return HttpResponse(css, content_type="text/css; charset=utf-8")


class IdentitySecretView(AdminRequiredMixin, View):
    """Create or rotate the identity secret; it is shown on this response only (docs/embed.md)."""

    def post(self, request):
        try:
            config, secret, created = embed_identity_secret_rotate(organization=self.organization)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("embed:config")
        context = {"config": config, "secret": secret, "created": created}
        response = render(request, "dashboard/embed/identity_secret.html", context)
        response["Cache-Control"] = "no-store"
        return response


class PublishableKeyRotateView(AdminRequiredMixin, View):
    def post(self, request):
        try:
            embed_publishable_key_rotate(organization=self.organization)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "New publishable key issued; the old one is refused from now on.")
        return redirect("embed:config")
