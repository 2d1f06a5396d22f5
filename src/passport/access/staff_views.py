"""Pages for a setting's staff: invite, withdraw an invitation, remove a leaver, accept a link.

The management pages are for whoever leads the setting (duty `lead_setting`, asked through
`access.staff`, 404 otherwise); the accept page is public: the link is the credential.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from passport.access import staff
from passport.access.staff_forms import AcceptInvitationForm, InviteStaffForm
from passport.organisations.models import Setting
from passport.people import invitations
from passport.web.http import AuthenticatedRequest


@login_required
def setting_staff(request: AuthenticatedRequest, setting_id: int) -> HttpResponse:
    """List the setting's staff and its pending invitations."""
    setting = get_object_or_404(Setting, pk=setting_id)
    may_grant = staff.roles_to_offer(request.user, setting)
    return render(
        request,
        "access/setting_staff.html",
        {
            "setting": setting,
            "members": invitations.staff_at(setting),
            "pending": invitations.pending_invitations(setting),
            "may_remove": {role.value for role in may_grant},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite_staff(request: AuthenticatedRequest, setting_id: int) -> HttpResponse:
    """Invite someone to a role at the setting by email."""
    setting = get_object_or_404(Setting, pk=setting_id)
    form = InviteStaffForm(staff.roles_to_offer(request.user, setting), request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = request.build_absolute_uri(reverse("accept-invitation", args=["TOKEN"]))
        try:
            invitation = staff.invite(
                request.user,
                setting,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                link_for=link.replace("TOKEN", "{token}"),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}")
            return redirect("setting-staff", setting.pk)
    return render(
        request,
        "access/invite_staff.html",
        {"setting": setting, "form": form, "days": invitations.invitation_days()},
    )


@login_required
@require_POST
def withdraw_invitation(
    request: AuthenticatedRequest, setting_id: int, invitation_id: int
) -> HttpResponse:
    setting = get_object_or_404(Setting, pk=setting_id)
    try:
        invitation = staff.withdraw(request.user, setting, invitation_id)
    except ObjectDoesNotExist as error:
        raise Http404("No such pending invitation") from error
    messages.success(
        request, f"Invitation to {invitation.email} withdrawn: the link no longer works"
    )
    return redirect("setting-staff", setting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def remove_staff(
    request: AuthenticatedRequest, setting_id: int, membership_id: int
) -> HttpResponse:
    """Confirm, then end a leaver's access at the setting at once."""
    setting = get_object_or_404(Setting, pk=setting_id)
    try:
        membership = staff.staff_membership(request.user, setting, membership_id)
        if request.method == "POST":
            staff.remove(request.user, setting, membership_id)
    except ObjectDoesNotExist as error:
        raise Http404("No such member of staff") from error
    except ValidationError as error:
        raise Http404("Not a role you can remove") from error
    if request.method == "POST":
        messages.success(
            request, f"{membership.user.full_name} no longer has access to {setting.name}"
        )
        return redirect("setting-staff", setting.pk)
    return render(
        request, "access/remove_staff.html", {"setting": setting, "membership": membership}
    )


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Open an invitation link: a new person sets a password and their role starts."""
    try:
        invitation = invitations.usable_invitation(token)
    except invitations.InvitationUnusable as unusable:
        return render(
            request, "access/invitation_unusable.html", {"why": unusable.why.value}, status=410
        )
    needs_password = invitations.existing_person(invitation) is None
    form = AcceptInvitationForm(request.POST or None, needs_password=needs_password)
    if request.method == "POST" and form.is_valid():
        try:
            staff.accept(token, form.cleaned_data.get("password", ""))
        except invitations.InvitationUnusable as unusable:
            return render(
                request, "access/invitation_unusable.html", {"why": unusable.why.value}, status=410
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                f"You now have access to {invitation.setting.name}: sign in with your email address",
            )
            return redirect("sign-in")
    return render(
        request,
        "access/accept_invitation.html",
        {"invitation": invitation, "form": form, "needs_password": needs_password},
    )
