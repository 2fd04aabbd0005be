from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kolbridge.demo"
    label = "demo"
    verbose_name = "Demo data"
