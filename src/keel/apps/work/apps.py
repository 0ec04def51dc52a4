from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "keel.apps.work"
    label = "work"
    default_auto_field = "django.db.models.BigAutoField"
