from django.urls import path

from passport.ehcp import chronology_views, views

urlpatterns = [
    path(
        "children/<int:child_id>/chronology/",
        chronology_views.chronology,
        name="ehcp-chronology",
    ),
    path(
        "children/<int:child_id>/chronology.json",
        chronology_views.chronology_json,
        name="ehcp-chronology-json",
    ),
    path("ehc-plans/", views.dashboard, name="ehcp-dashboard"),
    path("children/<int:child_id>/ehcp/", views.timeline, name="ehcp-timeline"),
    path("children/<int:child_id>/ehcp/request/", views.request_assessment, name="ehcp-request"),
    path("children/<int:child_id>/ehcp/case/", views.case, name="ehcp-case"),
    path("children/<int:child_id>/ehcp/plan/", views.plan, name="ehcp-plan"),
]
