from django.urls import path

from passport.reports.sen2 import views as sen2_views

urlpatterns: list = [
    path("reports/sen2/", sen2_views.sen2_return, name="sen2-return"),
]
