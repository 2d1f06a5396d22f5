from django.urls import include, path

urlpatterns = [
    path("api/", include("passport.api.urls")),
    path("", include("passport.people.urls")),
    path("", include("passport.passports.urls")),
]
