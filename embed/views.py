"""Dashboard pages for end users, the event log and the embed configuration."""

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from bridges.selectors import bridges_with_recent_runs
from embed.api.serializers import ConfigUpdateInput
from embed.forms import EmbedConfigForm, EndUserSearchForm, EventFilterForm
from embed.selectors import embed_config_get
from embed.services import embed_config_upsert
from orderly.accounts.models import EndUser
from orderly.dashboard.access import StaffMixin
from orderly.dashboard.pagination import paginate_page
from orderly.errors import DomainError
from orderly.events.models import Event
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
        types = (
            Event.objects.for_organization(self.organization)
            .order_by()
            .values_list("event_type", flat=True)
            .distinct()
        )
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": paginate_page(self.request, queryset.order_by("-created_at", "-id")),
            "event_types": sorted(types),
        }


class EmbedConfigView(StaffMixin, FormView):
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
            "allowed_origins": "\n".join(config.allowed_origins or []),
            "enabled_features": config.enabled_features,
            "allowed_bridge_types": config.allowed_bridge_types,
            "is_active": config.is_active,
        }

    def get_context_data(self, **kwargs):
        config = embed_config_get(organization=self.organization)
        return {**super().get_context_data(**kwargs), "config": config}

    def form_valid(self, form):
        serializer = ConfigUpdateInput(data=form.to_changes())
        if not serializer.is_valid():
            for field, errors in serializer.errors.items():
                name = field if field in form.fields else None
                for error in errors if isinstance(errors, list) else [errors]:
                    form.add_error(name, f"{field}: {error}" if name is None else str(error))
            return self.form_invalid(form)
        try:
            embed_config_upsert(organization=self.organization, changes=serializer.validated_data)
        except DomainError as exc:
            for field, errors in exc.details.items():
                form.add_error(field if field in form.fields else None, "; ".join(map(str, errors)))
            return self.form_invalid(form)
        messages.success(self.request, "Embed configuration saved.")
        return redirect("embed:config")
