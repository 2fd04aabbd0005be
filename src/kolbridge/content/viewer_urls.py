"""The public share viewer under ``/s/``: the only pages reachable without signing in."""

from django.urls import path

from kolbridge.content import viewer

app_name = "viewer"

urlpatterns = [
    path("<str:token>", viewer.share_view, name="page"),
    path("<str:token>/beacon", viewer.share_beacon, name="beacon"),
    path("<str:token>/download/<int:position>", viewer.share_download, name="download"),
    path("<str:token>/file/<int:position>", viewer.share_file, name="file"),
    path("<str:token>/figure/<int:module_version_id>", viewer.share_figure, name="figure"),
]
