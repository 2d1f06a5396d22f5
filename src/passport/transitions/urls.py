from django.urls import path

from passport.transitions import calendar_views, move_views, views

urlpatterns = [
    path("new-arrivals/", views.new_arrivals, name="new-arrivals"),
    path("overdue-confirmations/", views.overdue_confirmations, name="overdue-confirmations"),
    path("phase-transfers/", views.phase_transfers, name="phase-transfers"),
    path("pending-transfers/", views.pending_transfers, name="pending-transfers"),
    path("leavers/", calendar_views.leavers, name="leavers"),
    path("term-dates/", calendar_views.term_dates, name="term-dates"),
    path("term-dates/csv/", calendar_views.term_dates_csv, name="term-dates-csv"),
    path(
        "common-transfer-files/import/",
        views.import_common_transfer_file,
        name="import-ctf",
    ),
    path(
        "pending-transfers/<int:transfer_id>/decline/",
        views.decline_transfer,
        name="decline-transfer",
    ),
    path("children/<int:child_id>/move/", views.record_move, name="record-move"),
    path(
        "children/<int:child_id>/move/setting/", move_views.find_setting, name="move-find-setting"
    ),
    path("children/<int:child_id>/move/when/", move_views.move_details, name="move-details"),
    path("children/<int:child_id>/move/check/", move_views.check_move, name="move-check"),
    path("moves/<str:reference>/", move_views.move_recorded, name="move-recorded"),
    path("moves/<str:reference>/undo/", move_views.undo_move, name="move-undo"),
    path(
        "children/<int:child_id>/support-in-place/",
        views.confirm_support,
        name="confirm-support",
    ),
    path("children/<int:child_id>/transfer-plan/", views.transfer_plan, name="transfer-plan"),
]
