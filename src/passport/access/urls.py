from django.urls import path

from passport.access import audit_views, staff_views, views

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
    path("settings/<int:setting_id>/staff/", staff_views.setting_staff, name="setting-staff"),
    path("settings/<int:setting_id>/staff/invite/", staff_views.invite_staff, name="invite-staff"),
    path(
        "settings/<int:setting_id>/staff/invitations/<int:invitation_id>/withdraw/",
        staff_views.withdraw_invitation,
        name="withdraw-invitation",
    ),
    path(
        "settings/<int:setting_id>/staff/<int:membership_id>/remove/",
        staff_views.remove_staff,
        name="remove-staff",
    ),
    path("invitation/<str:token>/", staff_views.accept_invitation, name="accept-invitation"),
]
