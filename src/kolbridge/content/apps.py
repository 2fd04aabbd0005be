from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "kolbridge.content"
    label = "content"
    verbose_name = "Content"

    def ready(self) -> None:
        from kolbridge.content import policies, providers

        policies.register_content_policies()
        providers.register_content_providers()
