from django.urls import path

from kolbridge.engagements import views

app_name = "engagements"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("interactions/new/", views.interaction_create, name="interaction_create"),
    path("interactions/attendees/", views.attendee_search, name="attendee_search"),
    path("interactions/<int:interaction_id>/", views.interaction_detail, name="interaction_detail"),
    path(
        "interactions/<int:interaction_id>/complete/",
        views.interaction_complete,
        name="interaction_complete",
    ),
    path(
        "interactions/<int:interaction_id>/cancel/",
        views.interaction_cancel,
        name="interaction_cancel",
    ),
    path(
        "interactions/<int:interaction_id>/amend/",
        views.interaction_amend,
        name="interaction_amend",
    ),
    path(
        "interactions/<int:interaction_id>/event.ics",
        views.interaction_ical,
        name="interaction_ical",
    ),
    path("inquiries/", views.inquiry_queue, name="inquiry_queue"),
    path("inquiries/new/", views.inquiry_create, name="inquiry_create"),
    path("inquiries/<int:inquiry_id>/", views.inquiry_detail, name="inquiry_detail"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/new/", views.referral_create, name="referral_create"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
]
