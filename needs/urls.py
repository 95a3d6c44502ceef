from django.urls import path

from needs import follow, views

app_name = "needs"

urlpatterns = [
    path("needs/new/", views.need_new, name="need-new"),
    path("needs/new/thanks/<str:token>/", views.need_thanks, name="need-thanks"),
    path("follow/erased/", follow.follow_forgotten, name="follow-forgotten"),
    path("follow/<str:token>/", follow.follow, name="follow"),
]
