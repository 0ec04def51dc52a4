from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "keel.web"
    label = "keel_web"
