from django.urls import include, path

urlpatterns = [
    path("api/", include("passport.api.urls")),
    path("", include("passport.people.urls")),
    path("", include("passport.access.urls")),
    path("", include("passport.passports.urls")),
    path("", include("passport.audit.urls")),
    path("", include("passport.transitions.urls")),
    path("", include("passport.ehcp.urls")),
    path("", include("passport.directory.urls")),
    path("", include("passport.funding.urls")),
    path("", include("passport.reports.urls")),
]

handler404 = "passport.core.views.not_found"
handler400 = "passport.core.views.bad_request"
handler500 = "passport.core.views.server_error"
