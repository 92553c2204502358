from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from orderly.accounts.models import ApiKey
from orderly.accounts.services import api_key_create, api_key_revoke
from orderly.dashboard.access import AdminRequiredMixin, StaffMixin
from orderly.dashboard.forms import ApiKeyCreateForm
from orderly.dashboard.overview import overview_charts, overview_stats


class OverviewView(StaffMixin, TemplateView):
    template_name = "dashboard/overview.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "stats": overview_stats(organization=self.organization),
            "charts": overview_charts(organization=self.organization),
        }


class ApiKeyListView(AdminRequiredMixin, View):
    """List, create (the token is shown once, on the response to the POST) and revoke API keys."""

    template_name = "dashboard/accounts/api_keys.html"

    def _render(self, request, form, new_token=None, status=200):
        keys = (
            ApiKey.objects.for_organization(self.organization)
            .select_related("created_by")
            .order_by("-created_at")
        )
        context = {"keys": keys, "form": form, "new_token": new_token}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request, ApiKeyCreateForm())

    def post(self, request):
        form = ApiKeyCreateForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        _key, token = api_key_create(
            organization=self.organization,
            user=request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
        )
        response = self._render(request, ApiKeyCreateForm(), new_token=token)
        response["Cache-Control"] = "no-store"
        return response


class ApiKeyRevokeView(AdminRequiredMixin, View):
    def post(self, request, pk):
        revoked = api_key_revoke(organization=self.organization, key_id=pk)
        if not revoked and not ApiKey.objects.for_organization(self.organization).filter(pk=pk).exists():
            raise Http404
        messages.success(request, "API key revoked.")
        return redirect("dashboard:api_keys")
