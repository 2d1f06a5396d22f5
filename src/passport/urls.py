from django.urls import include, path

urlpatterns = [
    path("", include("passport.passports.urls")),
    path("", include("passport.people.urls")),
]
