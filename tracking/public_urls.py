from django.urls import path

from tracking import views

urlpatterns = [path("t/<str:token>", views.tracking_page, name="tracking-page")]
