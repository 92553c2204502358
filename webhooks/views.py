"""Dashboard: the organization's and its end users' webhooks, delivery logs, re-send and recover."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from orderly.dashboard.access import AdminRequiredMixin, StaffMixin, is_organization_admin
from orderly.dashboard.pagination import paginate_page
from orderly.errors import DomainError
from webhooks import services
from webhooks.api.serializers import WebhookCreateInput
from webhooks.forms import WebhookCreateForm
from webhooks.models import Webhook


class _WebhookMixin(StaffMixin):
    def webhook(self, pk) -> Webhook:
        webhook = (
            Webhook.objects.for_organization(self.organization).filter(pk=pk, for_alert_rule=False).first()
        )
        if webhook is None:
            raise Http404
        if webhook.end_user_id is None and not is_organization_admin(self.request.user):
            # The organization's own endpoints are admin business (CONTRACT §1 rev. 2); end users'
            # endpoints are support work staff do.
            raise PermissionDenied("Only the organization's admins manage its own webhooks.")
        return webhook


class WebhookListView(StaffMixin, TemplateView):
    template_name = "dashboard/webhooks/list.html"

    def get_context_data(self, **kwargs):
        admin = is_organization_admin(self.request.user)
        webhooks = (
            Webhook.objects.for_organization(self.organization)
            .filter(for_alert_rule=False)
            .select_related("end_user")
            .order_by("end_user__name", "-created_at")
        )
        if not admin:
            webhooks = webhooks.filter(end_user__isnull=False)
        return {**super().get_context_data(**kwargs), "webhooks": webhooks, "is_admin": admin}


class WebhookDetailView(_WebhookMixin, TemplateView):
    template_name = "dashboard/webhooks/detail.html"

    def get_context_data(self, **kwargs):
        webhook = self.webhook(kwargs["pk"])
        deliveries = webhook.deliveries.prefetch_related("attempt_log").order_by("-created_at", "-id")
        since = (timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        return {**super().get_context_data(**kwargs), "webhook": webhook, "page": paginate_page(self.request, deliveries), "since": since}


class DeliveryResendView(_WebhookMixin, View):
    def post(self, request, pk, delivery_id):
        webhook = self.webhook(pk)
        try:
            delivery = services.delivery_retry(webhook=webhook, delivery_id=delivery_id)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"Re-sent: {delivery.status} ({delivery.response_status or delivery.error})."
            )
        return redirect("webhooks:detail", pk=webhook.pk)


class RecoverView(_WebhookMixin, View):
    def post(self, request, pk):
        webhook = self.webhook(pk)
        try:
            since = dt.datetime.fromisoformat(request.POST.get("since", "")).replace(tzinfo=dt.UTC)
        except ValueError:
            messages.error(request, "Enter the time to recover from.")
            return redirect("webhooks:detail", pk=webhook.pk)
        count = services.deliveries_recover(webhook=webhook, since=since)
        messages.success(request, f"Queued {count} failed deliver{'y' if count == 1 else 'ies'} again.")
        return redirect("webhooks:detail", pk=webhook.pk)


class EnableView(_WebhookMixin, View):
    def post(self, request, pk):
        webhook = services.webhook_update(webhook=self.webhook(pk), changes={"is_active": True})
        messages.success(request, f"{webhook.url} re-enabled.")
        return redirect("webhooks:detail", pk=webhook.pk)


class WebhookCreateView(AdminRequiredMixin, View):
    """An organization endpoint, validated like `POST /api/v1/webhooks`; the secret is shown once."""

    template_name = "dashboard/webhooks/create.html"

    def get(self, request):
        return render(request, self.template_name, {"form": WebhookCreateForm()})

    def post(self, request):
        form = WebhookCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            serializer = WebhookCreateInput(
                data={"url": data["url"], "description": data["description"], "events": data["events"]}
            )
            if serializer.is_valid():
                try:
                    webhook, secret = services.webhook_create(
                        organization=self.organization, end_user=None, **serializer.validated_data
                    )
                except DomainError as exc:  # an unsafe URL (checked by resolving it) or the endpoint limit
                    if "url" in exc.details:
                        form.add_error("url", " ".join(map(str, exc.details["url"])))
                    else:
                        form.add_error(None, exc.message)
                else:
                    response = render(request, "dashboard/webhooks/created.html", {"webhook": webhook, "secret": secret})
                    response["Cache-Control"] = "no-store"  # the secret is on this page, once
                    return response
            else:
                for field, errors in serializer.errors.items():
                    form.add_error(field if field in form.fields else None, " ".join(map(str, errors)))
        return render(request, self.template_name, {"form": form}, status=400)
