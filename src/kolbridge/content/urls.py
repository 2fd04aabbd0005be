from django.urls import path

from kolbridge.content import views

app_name = "content"

urlpatterns = [
    path("", views.library, name="library"),
    path("results/", views.library_results, name="library_results"),
    path("items/new/", views.item_create, name="item_new"),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:item_id>/upload/", views.item_upload, name="item_upload"),
    path("items/<int:item_id>/submit/", views.item_submit, name="item_submit"),
    path("items/<int:item_id>/sign/", views.item_sign, name="item_sign"),
    path("items/<int:item_id>/return/", views.item_return, name="item_return"),
    path("items/<int:item_id>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("items/<int:item_id>/v<int:number>/file", views.item_file, name="item_file"),
    path("modules/", views.module_list, name="module_list"),
    path("modules/new/", views.module_create, name="module_new"),
    path("modules/<int:module_id>/", views.module_detail, name="module_detail"),
    path("modules/<int:module_id>/revise/", views.module_revise, name="module_revise"),
    path("modules/<int:module_id>/v<int:number>/figure", views.module_figure, name="module_figure"),
    path("review/", views.review_queue, name="review_queue"),
    path("presentations/", views.presentation_list, name="presentation_list"),
    path("presentations/new/", views.presentation_new, name="presentation_new"),
    path(
        "presentations/<int:presentation_id>/",
        views.presentation_detail,
        name="presentation_detail",
    ),
    path(
        "presentations/<int:presentation_id>/edit/",
        views.presentation_edit,
        name="presentation_edit",
    ),
    path(
        "presentations/<int:presentation_id>/picker/",
        views.presentation_picker,
        name="presentation_picker",
    ),
    path(
        "presentations/<int:presentation_id>/add/", views.presentation_add, name="presentation_add"
    ),
    path(
        "presentations/<int:presentation_id>/slots/<int:slot_id>/move/",
        views.presentation_move,
        name="presentation_move",
    ),
    path(
        "presentations/<int:presentation_id>/slots/<int:slot_id>/remove/",
        views.presentation_remove,
        name="presentation_remove",
    ),
    path(
        "presentations/<int:presentation_id>/notices/<int:notice_id>/accept/",
        views.presentation_accept,
        name="presentation_accept",
    ),
    path(
        "presentations/<int:presentation_id>/preview/",
        views.presentation_preview,
        name="presentation_preview",
    ),
    path(
        "presentations/<int:presentation_id>/present/",
        views.presentation_present,
        name="presentation_present",
    ),
    path(
        "presentations/<int:presentation_id>/present/record/",
        views.presentation_record,
        name="presentation_record",
    ),
    path(
        "presentations/<int:presentation_id>/share/",
        views.presentation_share,
        name="presentation_share",
    ),
    path("share-links/", views.share_link_list, name="share_link_list"),
    path("share-links/<int:link_id>/", views.share_link_detail, name="share_link_detail"),
    path("share-links/<int:link_id>/revoke/", views.share_link_revoke, name="share_link_revoke"),
]
