"""Signing in and out: a password, then for staff a code from an authenticator app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as remember_second_factor
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice

from passport.people import services
from passport.people.forms import CodeForm, SignInForm
from passport.people.memberships import live_roles
from passport.people.middleware import allowed_before_second_factor

NEXT_URL = "passport_next_url"
RECOVERY_CODES = "passport_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


@allowed_before_second_factor
def sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for an email address and password; start a session."""
    next_url = _next_url(request)
    form = SignInForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.user
        assert user is not None
        login(request, user)
        if services.needs_second_factor(live_roles(user)):
            request.session[NEXT_URL] = next_url
            has_app = services.authenticator_for(user) is not None
            return redirect("sign-in-code" if has_app else "set-up-authenticator")
        return redirect(next_url or "home")
    return render(request, "people/sign_in.html", {"form": form, "next": next_url})


def _second_factor_pending(request: HttpRequest) -> bool:
    return bool(getattr(request, "second_factor_pending", False))


def _signed_in_with(request: HttpRequest, device: Device) -> None:
    """Record the second factor in the session, under a new session key."""
    remember_second_factor(request, device)
    request.session.cycle_key()


@allowed_before_second_factor
@login_required
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Ask a member of staff for the code from their authenticator app, or a recovery code."""
    if not _second_factor_pending(request):
        return redirect("home")
    user = request.user
    if services.authenticator_for(user) is None:  # type: ignore[arg-type]
        return redirect("set-up-authenticator")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_second_factor(user, form.cleaned_data["code"])  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            _signed_in_with(request, device)
            if isinstance(device, StaticDevice):
                left = services.recovery_codes_left(user)  # type: ignore[arg-type]
                messages.info(
                    request,
                    f"You signed in with a recovery code. You have {left} recovery "
                    f"code{'' if left == 1 else 's'} left",
                )
            return redirect(request.session.pop(NEXT_URL, "") or "home")
    return render(request, "people/sign_in_code.html", {"form": form})


@allowed_before_second_factor
@login_required
def set_up_authenticator(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: show its secret key, then confirm it with a code."""
    if not _second_factor_pending(request):
        return redirect("home")
    user = request.user
    if services.authenticator_for(user) is not None:  # type: ignore[arg-type]
        return redirect("sign-in-code")
    device = services.start_authenticator_setup(user)  # type: ignore[arg-type]
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_authenticator(device, form.cleaned_data["code"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            _signed_in_with(request, device)
            request.session[RECOVERY_CODES] = codes
            return redirect("recovery-codes")
    context: dict[str, Any] = {
        "form": form,
        "secret_key": services.secret_key_text(device),
        "setup_link": device.config_url,
        "qr_code": services.setup_qr_code(device),
    }
    return render(request, "people/set_up_authenticator.html", context)


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show new recovery codes, once."""
    codes = request.session.pop(RECOVERY_CODES, None)
    if not codes:
        return redirect("home")
    next_url = request.session.pop(NEXT_URL, "")
    return render(request, "people/recovery_codes.html", {"codes": codes, "next_url": next_url})


@allowed_before_second_factor
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session."""
    logout(request)
    return redirect("sign-in")


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """Say that signing in is locked for a while (django-axes calls this after 5 failures)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    page = render(request, "people/locked_out.html", {"minutes": seconds // 60}, status=429)
    page["Retry-After"] = str(seconds)
    return page
