from django.urls import path

from passport.ehcp import (
    amendment_views,
    ceasing_views,
    chronology_views,
    consultation_views,
    document_views,
    existing_plan_views,
    plan_item_views,
    views,
)

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
    path(
        "children/<int:child_id>/ehcp/plan/outcome/",
        plan_item_views.outcome,
        name="ehcp-plan-outcome",
    ),
    path(
        "children/<int:child_id>/ehcp/plan/outcome/remove/",
        plan_item_views.remove_outcome,
        name="ehcp-plan-outcome-remove",
    ),
    path(
        "children/<int:child_id>/ehcp/plan/provision/",
        plan_item_views.provision,
        name="ehcp-plan-provision",
    ),
    path(
        "children/<int:child_id>/ehcp/plan/provision/remove/",
        plan_item_views.remove_provision,
        name="ehcp-plan-provision-remove",
    ),
    path(
        "children/<int:child_id>/ehcp/review/meeting/",
        plan_item_views.review_meeting,
        name="ehcp-review-meeting",
    ),
    path(
        "children/<int:child_id>/ehcp/review/report/",
        plan_item_views.review_report,
        name="ehcp-review-report",
    ),
    path(
        "children/<int:child_id>/ehcp/amendment/", amendment_views.amendment, name="ehcp-amendment"
    ),
    path(
        "children/<int:child_id>/ehcp/amendment/representations/",
        amendment_views.representations,
        name="ehcp-amendment-representations",
    ),
    path(
        "children/<int:child_id>/ehcp/amendment/issue/",
        amendment_views.issue,
        name="ehcp-amendment-issue",
    ),
    path(
        "children/<int:child_id>/ehcp/consultations/",
        consultation_views.consultations,
        name="ehcp-consultations",
    ),
    path(
        "children/<int:child_id>/ehcp/consultations/response/",
        consultation_views.setting_response,
        name="ehcp-setting-response",
    ),
    path("children/<int:child_id>/ehcp/ceasing/", ceasing_views.ceasing, name="ehcp-ceasing"),
    path("children/<int:child_id>/ehcp/plan.pdf", document_views.plan_pdf, name="ehcp-plan-pdf"),
    path(
        "children/<int:child_id>/ehcp/existing-plan/",
        existing_plan_views.record_existing_plan,
        name="ehcp-existing-plan",
    ),
    path(
        "children/<int:child_id>/ehcp/plan/confirm/",
        existing_plan_views.confirm_plan_details,
        name="ehcp-confirm-plan",
    ),
]
