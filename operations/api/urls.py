"""Routes relative to /api/v1/ (and the /api/operations alias, CONTRACT §2)."""

from operations.api import views
from orderly.api.routing import route, routes

urlpatterns = routes(
    route("operations", views.OperationListView.as_view(), name="operation-list"),
    route("operations/<uuid:pk>", views.OperationDetailView.as_view(), name="operation-detail"),
    route("operations/<uuid:pk>/execute", views.OperationExecuteView.as_view(), name="operation-execute"),
    route("operations/<uuid:pk>/cancel", views.OperationCancelView.as_view(), name="operation-cancel"),
    route("operations/<uuid:pk>/undo", views.OperationUndoView.as_view(), name="operation-undo"),
)
