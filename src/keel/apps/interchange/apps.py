from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "keel.apps.interchange"
    label = "interchange"
    default_auto_field = "django.db.models.BigAutoField"
