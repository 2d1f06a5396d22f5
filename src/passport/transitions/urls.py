from django.urls import path

from passport.transitions import views

urlpatterns = [
    path("new-arrivals/", views.new_arrivals, name="new-arrivals"),
    path("overdue-confirmations/", views.overdue_confirmations, name="overdue-confirmations"),
    path("phase-transfers/", views.phase_transfers, name="phase-transfers"),
    path("pending-transfers/", views.pending_transfers, name="pending-transfers"),
    path(
        "pending-transfers/<int:transfer_id>/decline/",
        views.decline_transfer,
        name="decline-transfer",
    ),
    path("children/<int:child_id>/move/", views.record_move, name="record-move"),
    path(
        "children/<int:child_id>/support-in-place/",
        views.confirm_support,
        name="confirm-support",
    ),
    path("children/<int:child_id>/transfer-plan/", views.transfer_plan, name="transfer-plan"),
]
