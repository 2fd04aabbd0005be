from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "kolbridge.engagements"
    label = "engagements"
    verbose_name = "Engagements"

    def ready(self) -> None:
        from kolbridge.engagements import policies, providers

        policies.register_engagement_policies()
        providers.register_engagement_providers()
