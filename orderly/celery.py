import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderly.settings")

app = Celery("orderly")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
