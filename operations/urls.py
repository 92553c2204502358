"""Operation pages, mounted at /dashboard/operations/."""

from django.urls import path

from operations import views

app_name = "operations"

urlpatterns = [
    path("", views.OperationListView.as_view(), name="list"),
    path("new/", views.OperationCreateView.as_view(), name="create"),
    path("<uuid:pk>/", views.OperationDetailView.as_view(), name="detail"),
    path("<uuid:pk>/undo/", views.OperationUndoView.as_view(), name="undo"),
]
