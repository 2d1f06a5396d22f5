from django.urls import path

from passport.funding import views

urlpatterns = [
    path("funding/", views.funding, name="funding"),
    path("funding/groups/<int:group_id>/", views.group_page, name="funding-group"),
    path("funding/groups/<int:group_id>/pots/new/", views.open_pot, name="funding-open-pot"),
    path(
        "funding/groups/<int:group_id>/commissions/new/",
        views.new_commission,
        name="funding-new-commission",
    ),
    path(
        "funding/groups/<int:group_id>/dashboard/", views.dashboard_page, name="funding-dashboard"
    ),
    path("funding/groups/<int:group_id>/plan/", views.plan_page, name="funding-plan"),
    path("funding/pots/<int:pot_id>/", views.pot_page, name="funding-pot"),
    path("funding/pots/<int:pot_id>/allocate/", views.allocate, name="funding-allocate"),
    path("funding/pots/<int:pot_id>/overspend/", views.overspend, name="funding-overspend"),
    path(
        "funding/commissions/<uuid:commission_id>/",
        views.commission_page,
        name="funding-commission",
    ),
    path(
        "funding/commissions/<uuid:commission_id>/decide/",
        views.decide_commission,
        name="funding-decide",
    ),
    path(
        "funding/commissions/<uuid:commission_id>/sessions/new/",
        views.record_delivery,
        name="funding-delivery",
    ),
]
