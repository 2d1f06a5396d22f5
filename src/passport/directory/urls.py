from django.urls import path

from passport.directory import views

urlpatterns = [
    path("directory/", views.directory, name="directory"),
]
