from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kolbridge.core"
    label = "core"
    verbose_name = "Kolbridge core"

    def ready(self) -> None:
        from kolbridge.core import policies

        policies.register_core_policies()
