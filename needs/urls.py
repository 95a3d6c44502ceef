from django.urls import path

from needs import views

app_name = "needs"

urlpatterns = [
    path("needs/new/", views.need_new, name="need-new"),
    path("needs/new/thanks/<str:token>/", views.need_thanks, name="need-thanks"),
    path("gaps/", views.gap_view, name="gaps"),
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/<slug:slug>/", views.activity_detail, name="activity-detail"),
    path("activities/<slug:slug>/calendar.ics", views.activity_ics, name="activity-ics"),
]
