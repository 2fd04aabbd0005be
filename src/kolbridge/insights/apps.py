from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "kolbridge.insights"
    label = "insights"
    verbose_name = "Insights and adverse events"

    def ready(self) -> None:
        from kolbridge.insights import policies, providers

        policies.register_insight_policies()
        providers.register_insight_providers()
