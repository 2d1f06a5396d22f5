from django.urls import include, path

urlpatterns = [
    path("api/", include("passport.api.urls")),
    path("", include("passport.people.urls")),
    path("", include("passport.access.urls")),
    path("", include("passport.passports.urls")),
    path("", include("passport.audit.urls")),
    path("", include("passport.transitions.urls")),
]

handler404 = "passport.core.views.not_found"
handler500 = "passport.core.views.server_error"
