from django.urls import path

from passport.access import audit_views, views

urlpatterns = [
    path("emergency-access/", views.break_glass, name="break-glass"),
    path("emergency-access-reviews/", views.break_glass_reviews, name="break-glass-reviews"),
    path("children/<int:child_id>/consent/", views.consents, name="consents"),
    path(
        "children/<int:child_id>/consent/<int:referral_id>/",
        views.give_consent,
        name="give-consent",
    ),
    path("children/<int:child_id>/sharing/", views.sharing, name="sharing"),
    path("children/<int:child_id>/who-has-seen/", audit_views.who_has_seen, name="who-has-seen"),
    path("data-protection/", audit_views.data_protection, name="data-protection"),
]
