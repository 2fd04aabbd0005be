from django.urls import path

from kolbridge.kols import views

app_name = "kols"

urlpatterns = [
    path("", views.kol_list, name="list"),
    path("results/", views.kol_list_results, name="list_results"),
    path("new/", views.kol_create, name="create"),
    path("<int:kol_id>/", views.kol_detail, name="detail"),
    path("<int:kol_id>/edit/", views.kol_edit, name="edit"),
    path("<int:kol_id>/stage/", views.kol_stage, name="stage"),
    path("<int:kol_id>/knowledge/", views.kol_knowledge, name="knowledge"),
    path("<int:kol_id>/channels/", views.kol_channels, name="channels"),
    path("<int:kol_id>/questions/", views.kol_question_add, name="question_add"),
    path(
        "<int:kol_id>/questions/<int:question_id>/",
        views.kol_question_update,
        name="question_update",
    ),
]
