from django.urls import path

from passport.passports import no_setting_views, views

SECTION = "<slug:section>"

urlpatterns = [
    path("", views.home, name="home"),
    path("children/", views.children_list, name="children"),
    path("children/add/", views.add_child, name="add-child"),
    path(
        "children/add-without-setting/",
        no_setting_views.add_child_without_setting_page,
        name="add-child-without-setting",
    ),
    path("children/<int:child_id>/", views.passport_page, name="passport"),
    path("children/<int:child_id>/start/", views.start_passport, name="start-passport"),
    path("children/<int:child_id>/essentials/", views.essentials, name="essentials"),
    path("children/<int:child_id>/passport.pdf", views.passport_pdf, name="passport-pdf"),
    path("children/<int:child_id>/essentials.pdf", views.essentials_pdf, name="essentials-pdf"),
    path("children/<int:child_id>/history/", views.history, name="history"),
    path(
        "children/<int:child_id>/history/<slug:kind>/<int:version_id>/",
        views.history_version,
        name="history-version",
    ),
    path("children/<int:child_id>/download/", views.download_page, name="download"),
    path(
        "children/<int:child_id>/download/json/",
        views.download_record,
        {"form": "json"},
        name="download-json",
    ),
    path(
        "children/<int:child_id>/download/document/",
        views.download_record,
        {"form": "html"},
        name="download-document",
    ),
    path("children/<int:child_id>/about-me/", views.edit_about_me, name="edit-about-me"),
    path("children/<int:child_id>/about-me/add/", views.add_contribution, name="add-contribution"),
    path("children/<int:child_id>/needs/", views.edit_needs, name="edit-needs"),
    path("children/<int:child_id>/layer/", views.change_layer, name="change-layer"),
    path(f"children/<int:child_id>/{SECTION}/add/", views.edit_item, name="add-item"),
    path(f"children/<int:child_id>/{SECTION}/<int:item_id>/", views.edit_item, name="edit-item"),
    path(
        f"children/<int:child_id>/{SECTION}/<int:item_id>/remove/",
        views.remove_item,
        name="remove-item",
    ),
]
