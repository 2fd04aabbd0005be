from django.urls import path

from kolbridge.kols import views

app_name = "kols"

urlpatterns = [
    path("", views.kol_list, name="list"),
    path("new/", views.kol_create, name="create"),
    path("<int:kol_id>/", views.kol_detail, name="detail"),
]
