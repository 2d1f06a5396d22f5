from django.urls import path

from passport.audit import views

urlpatterns = [
    path("children/<int:child_id>/who-has-seen/", views.who_has_seen, name="who-has-seen"),
    path("data-protection/", views.data_protection, name="data-protection"),
]
