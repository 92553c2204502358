from django.views.generic import TemplateView

from orderly.dashboard.access import StaffMixin
from orderly.dashboard.selectors import overview_stats


class OverviewView(StaffMixin, TemplateView):
    template_name = "dashboard/overview.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "stats": overview_stats(organization=self.organization)}
