from django.contrib import admin
from django.urls import include, path

from kolbridge.api import api

admin.site.site_header = "Kolbridge administration"
admin.site.site_title = "Kolbridge"

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("kols/", include("kolbridge.kols.urls")),
    path("engagements/", include("kolbridge.engagements.urls")),
    path("content/", include("kolbridge.content.urls")),
    path("s/", include("kolbridge.content.viewer_urls")),
    path("insights/", include("kolbridge.insights.urls")),
    path("", include("kolbridge.core.urls")),
]
