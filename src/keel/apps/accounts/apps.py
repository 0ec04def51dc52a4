from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "keel.apps.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
