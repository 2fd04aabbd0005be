from django.apps import AppConfig


class KolsConfig(AppConfig):
    name = "kolbridge.kols"
    label = "kols"
    verbose_name = "KOL 360"

    def ready(self) -> None:
        from kolbridge.kols import policies, timeline

        policies.register_kol_policies()
        timeline.register_kol_timeline_providers()
