"""The ops review queue: staff pages calling the same selectors and services as the API."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from actions import selectors, services
from actions.filters import ActionRequestQueueFilter
from actions.forms import ResolveForm
from actions.models import ActionStatus, ActionType
from orderly.dashboard.access import StaffMixin
from orderly.dashboard.pagination import paginate_page
from orderly.errors import DomainError, ErrorCode

ADDRESS_ROWS = [
    ("Name", ("name",)),
    ("Street", ("street", "address1", "line1")),
    ("Line 2", ("address2", "line2")),
    ("City", ("city",)),
    ("State", ("state", "province")),
    ("Postal code", ("zip", "postal_code")),
    ("Country", ("country",)),
]


def address_comparison(old: dict | None, new: dict | None) -> list[dict]:
    """Rows of (label, old, new, changed) for an address change, whichever keys each side uses."""

    def pick(address, keys):
        if not isinstance(address, dict):
            return ""
        return next((str(address[k]) for k in keys if address.get(k)), "")

    rows = []
    for label, keys in ADDRESS_ROWS:
        before, after = pick(old, keys), pick(new, keys)
        if before or after:
            rows.append(
                {"label": label, "old": before, "new": after, "changed": bool(after) and before != after}
            )
    return rows


def line_item_rows(items) -> list[dict]:
    """Line items as the page shows them, whatever names the ingest used."""
    rows = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        rows.append(
            {
                "title": item.get("title") or item.get("name") or item.get("sku") or "Item",
                "sku": item.get("sku") or "",
                "quantity": item.get("quantity", ""),
                "price": item.get("price", ""),
            }
        )
    return rows


def stale_message(action_request) -> str:
    if action_request.resolved_by is not None:
        who = action_request.resolved_by.email or action_request.resolved_by.get_username()
        return f"Already {action_request.status} by {who}."
    if action_request.status == ActionStatus.CANCELLED:
        return "Already cancelled by the end user."
    return f"Already {action_request.status}."


class QueueView(StaffMixin, TemplateView):
    template_name = "dashboard/actions/queue.html"

    def get_context_data(self, **kwargs):
        queue = selectors.action_request_queue(organization=self.organization)
        # The API's filter; on a page a bad value drops only its own filter instead of failing.
        filterset = ActionRequestQueueFilter(self.request.GET, queryset=queue).without_invalid()
        status = filterset.form.cleaned_data["status"]
        # The menu lists the end users at the head of this queue (the filter accepts any who filed
        # a request): listing every one would be a query, and a menu, as long as the history.
        filterset.form.fields["end_user"].queryset = selectors.action_request_queue_menu(
            organization=self.organization, status=status, selected=filterset.form.cleaned_data.get("end_user")
        )
        counts = selectors.action_request_status_counts(organization=self.organization)
        return {
            **super().get_context_data(**kwargs),
            "form": filterset.form,
            "page": paginate_page(self.request, filterset.qs),
            "status": status,
            "counts": [
                {
                    "status": s.value,
                    "label": s.label,
                    "count": counts[s.value],
                    "url": "?" + urlencode({"status": s.value}),
                }
                for s in ActionStatus
            ],
        }


class RequestDetailView(StaffMixin, TemplateView):
    template_name = "dashboard/actions/detail.html"

    def get_action_request(self):
        action_request = selectors.action_request_get(
            organization=self.organization, request_id=self.kwargs["pk"]
        )
        if action_request is None:
            raise Http404("No such request.")
        return action_request

    def get_context_data(self, form=None, **kwargs):
        action_request = self.get_action_request()
        order = action_request.order
        address_rows = []
        if action_request.action_type == ActionType.ADDRESS_CHANGE:
            new = (action_request.requested_changes or {}).get("address")
            address_rows = address_comparison(order.shipping_address, new)
        return {
            **super().get_context_data(**kwargs),
            "req": action_request,
            "single_request": [action_request],
            "order": order,
            "shipments": order.shipments.all().order_by("-created_at")[:10],
            "activities": order.activities.all().order_by("-created_at")[:15],
            "address_rows": address_rows,
            "line_items": line_item_rows(order.line_items),
            "order_total": (order.totals or {}).get("total") if isinstance(order.totals, dict) else None,
            "shipping_address": address_comparison(order.shipping_address, None),
            "form": form or ResolveForm(),
            "stale": None if action_request.is_pending else stale_message(action_request),
        }


class RequestResolveView(StaffMixin, View):
    def post(self, request, pk):
        form = ResolveForm(request.POST)
        if not form.is_valid():
            detail = RequestDetailView()
            detail.setup(request, pk=pk)
            detail.organization = self.organization
            return detail.render_to_response(detail.get_context_data(form=form))
        try:
            action_request = services.action_request_resolve(
                request_id=pk,
                organization=self.organization,
                status=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as error:
            if error.code is ErrorCode.NOT_FOUND:
                raise Http404("No such request.") from None
            current = selectors.action_request_get(organization=self.organization, request_id=pk)
            messages.warning(
                request, stale_message(current) if current and not current.is_pending else error.message
            )
            return redirect("actions:detail", pk=pk)
        if action_request.status != ActionStatus.APPROVED:
            messages.success(request, f"“{action_request.title}” {action_request.status}.")
            return redirect("actions:queue")
        # An approval starts an operation (operations consume action_request.resolved); say what
        # was approved and let the request page show what the operation did, not just "approved".
        resolved = selectors.action_request_get(organization=self.organization, request_id=pk)
        if resolved is not None and resolved.operation_id:
            messages.info(request, f"“{action_request.title}” approved. Its operation's outcome is shown below.")
        else:
            messages.success(
                request, f"“{action_request.title}” approved. No operation runs for this type: act on the order."
            )
        return redirect("actions:detail", pk=pk)
