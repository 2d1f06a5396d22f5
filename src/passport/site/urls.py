from django.urls import include, path

from passport.site import views

urlpatterns = [
    path("api/", include("passport.site.api_urls")),
    # The footer's pages, open to anyone: they show no child.
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("help/", views.help_page, name="help"),
    path("", include("passport.people.urls")),
    path("", include("passport.access.urls")),
    path("", include("passport.passports.urls")),
    path("", include("passport.transitions.urls")),
    path("", include("passport.ehcp.urls")),
    path("", include("passport.directory.urls")),
    path("", include("passport.funding.urls")),
    path("", include("passport.reports.urls")),
]

handler404 = "passport.web.error_pages.not_found"
handler400 = "passport.web.error_pages.bad_request"
handler500 = "passport.web.error_pages.server_error"
