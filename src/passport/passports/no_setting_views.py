"""A local authority's caseworker or early-years team records a child who is on no setting's roll
(a baby with complex needs known from birth) and opens their passport (issue 16). Who may see the
child afterwards is the access rules' `home_la_no_setting` grant."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from passport.access.policies import record_identifier_matches
from passport.access.standing import Duty, require
from passport.children.services import ChildDetails, IdentifierErrors, add_child_without_setting
from passport.organisations.models import LocalAuthority
from passport.passports import services
from passport.passports.forms import ChildWithoutSettingForm
from passport.web.http import AuthenticatedRequest


@login_required
@require_http_methods(["GET", "POST"])
def add_child_without_setting_page(request: AuthenticatedRequest) -> HttpResponse:
    """Record the child with the home local authority as owner; the token records them once."""
    working = require(request.user, Duty.LA_CASEWORK)
    authorities = LocalAuthority.objects.filter(pk__in=working.local_authorities).order_by("name")
    form = ChildWithoutSettingForm(request.POST or None, authorities=authorities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = ChildDetails(
            given_name=data["given_name"],
            family_name=data["family_name"],
            preferred_name=data["preferred_name"],
            date_of_birth=data["date_of_birth"],
            nhs_number=data["nhs_number"],
        )

        def record() -> str:
            with transaction.atomic():
                child = add_child_without_setting(details, data["local_authority"])
                services.start_passport(child, request.user)
            return reverse("passport", args=[child.pk])

        try:
            next_page = services.submit_once(request.user, data["form_token"], record)
        except ValidationError as exc:
            if isinstance(exc, IdentifierErrors):
                record_identifier_matches(request.user, data["local_authority"].name, exc.matches)
            form.add_service_errors(exc)
        else:
            messages.success(request, "The child has been recorded and their passport started")
            return redirect(next_page)
    return render(request, "passports/add_child_without_setting.html", {"form": form})
