from django.urls import path

from kolbridge.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.insight_list, name="insight_list"),
    path("new/", views.insight_new, name="insight_new"),
    path("<int:pk>/", views.insight_detail, name="insight_detail"),
    path("<int:pk>/edit/", views.insight_edit, name="insight_edit"),
    path("<int:pk>/review/", views.insight_review, name="insight_review"),
    path("<int:pk>/merge/", views.insight_merge, name="insight_merge"),
    path("<int:pk>/release/", views.insight_release, name="insight_release"),
    path("<int:pk>/unrelease/", views.insight_unrelease, name="insight_unrelease"),
    path("review/", views.review_queue, name="review_queue"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/regroup/", views.theme_regroup, name="theme_regroup"),
    path("themes/<int:pk>/", views.theme_detail, name="theme_detail"),
    path("themes/<int:pk>/rename/", views.theme_rename, name="theme_rename"),
    path("themes/<int:pk>/merge/", views.theme_merge, name="theme_merge"),
    path("themes/<int:pk>/split/", views.theme_split, name="theme_split"),
    path("themes/<int:pk>/release/", views.theme_release, name="theme_release"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("questions/", views.question_list, name="question_list"),
    path("questions/<int:pk>/", views.question_detail, name="question_detail"),
    path("questions/<int:pk>/route/", views.question_route, name="question_route"),
    path("questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("questions/<int:pk>/decline/", views.question_decline, name="question_decline"),
    path("digest/", views.digest, name="digest"),
    path("safety/", views.ae_queue, name="ae_queue"),
    path("safety/<int:pk>/", views.ae_detail, name="ae_detail"),
    path("safety/<int:pk>/forward/", views.ae_forward, name="ae_forward"),
    path("safety/<int:pk>/close/", views.ae_close, name="ae_close"),
    path("safety/<int:pk>/export.xml", views.ae_export, name="ae_export"),
]
