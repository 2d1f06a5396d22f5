from django.urls import path

from passport.directory import views

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path(
        "directory/services/<uuid:service_id>/",
        views.directory_service,
        name="directory-service",
    ),
]
