"""Signing in and out: a password, then for staff a code from an authenticator app; or an
OpenID provider (DfE Sign-in, GOV.UK One Login) where the deployment has configured one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as remember_second_factor
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice

from passport.people import oidc, services
from passport.people.forms import CodeForm, SignInForm
from passport.people.memberships import live_roles
from passport.people.middleware import (
    ORGANISATION_LIMIT,
    SIGN_IN_METHOD,
    allowed_before_second_factor,
)

NEXT_URL = "passport_next_url"
RECOVERY_CODES = "passport_recovery_codes"
PENDING_OIDC = "passport_oidc_pending"
OIDC_ID_TOKEN = "passport_oidc_id_token"


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
    context = {"form": form, "next": next_url, "providers": oidc.configured_providers().values()}
    return render(request, "people/sign_in.html", context)


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
    """End the session; after a provider's sign-in, sign out there too (it comes back here)."""
    provider = oidc.configured_providers().get(request.session.get(SIGN_IN_METHOD, ""))
    id_token = request.session.get(OIDC_ID_TOKEN, "")
    logout(request)
    if provider is not None and id_token:
        back = request.build_absolute_uri(reverse("sign-in"))
        there = oidc.end_session_url(provider, id_token, back)
        if there:
            # A page that moves on by itself, not a redirect: the Content-Security-Policy's
            # form-action 'self' stops a form post (sign out) redirecting to another site.
            context = {"provider_sign_out_url": there, "provider_name": provider.name}
            return render(request, "people/signing_out.html", context)
    return redirect("sign-in")


# What each failure tells the person: a heading and what to do. Every one is audited.
_FAILURE_PAGES: dict[oidc.Failure, tuple[int, str, str]] = {
    oidc.Failure.PROVIDER_DOWN: (
        503,
        "{name} is not available",
        "We could not reach {name}. Try again in a few minutes.",
    ),
    oidc.Failure.ACCESS_DENIED: (
        403,
        "You have not signed in",
        "You stopped signing in at {name}, or {name} did not let you sign in.",
    ),
    oidc.Failure.STATE_MISMATCH: (
        400,
        "Your sign-in could not be finished",
        "The answer from {name} was not for a sign-in started in this browser, or it took too "
        "long. Start again from the sign-in page.",
    ),
    oidc.Failure.WRONG_ISSUER: (
        400,
        "Your sign-in could not be checked",
        "The answer did not come from {name}, so you have not been signed in.",
    ),
    oidc.Failure.WRONG_AUDIENCE: (
        400,
        "Your sign-in could not be checked",
        "{name} answered for a different service, so you have not been signed in.",
    ),
    oidc.Failure.NONCE_MISMATCH: (
        400,
        "Your sign-in could not be checked",
        "The answer from {name} was for a different sign-in, so you have not been signed in. "
        "Start again from the sign-in page.",
    ),
    oidc.Failure.EXPIRED_TOKEN: (
        400,
        "Your sign-in could not be checked",
        "The answer from {name} had expired, so you have not been signed in. Check the clock on "
        "your device is right, then start again.",
    ),
    oidc.Failure.BAD_SIGNATURE: (
        400,
        "Your sign-in could not be checked",
        "The answer's signature is not {name}'s, so you have not been signed in.",
    ),
    oidc.Failure.LOW_CONFIDENCE: (
        403,
        "You need to prove your identity with 2 steps",
        "Sign in to {name} with your password and a security code to use Support Passport.",
    ),
    oidc.Failure.PROTOCOL_ERROR: (
        400,
        "Your sign-in could not be finished",
        "Something went wrong between Support Passport and {name}. Start again from the "
        "sign-in page.",
    ),
    oidc.Failure.UNVERIFIED_EMAIL: (
        403,
        "Confirm your email address first",
        "{name} has not confirmed your email address. Confirm it with {name}, then sign in again.",
    ),
    oidc.Failure.NO_ACCOUNT: (
        403,
        "You do not have access to Support Passport",
        "Nobody has invited you with the email address of your {name} account. Ask the person "
        "who invited you to check the address they used.",
    ),
    oidc.Failure.WRONG_ORGANISATION: (
        403,
        "You do not have access for this organisation",
        "You signed in to {name} for an organisation where you have no role in Support "
        "Passport. Sign in again and choose the organisation that invited you.",
    ),
}


def _failed(
    request: HttpRequest, provider: oidc.ProviderSettings, error: oidc.SignInFailed, actor: Any
) -> HttpResponse:
    services.sign_in_attempted.send(
        sender=oidc.SignInFailed,
        actor=actor,
        provider=provider.name,
        organisation="",
        allowed=False,
        reason=str(error),
    )
    status, heading, advice = _FAILURE_PAGES[error.failure]
    context = {
        "heading": heading.format(name=provider.name),
        "advice": advice.format(name=provider.name),
        "provider": provider,
    }
    return render(request, "people/sign_in_failed.html", context, status=status)


def _provider(slug: str) -> oidc.ProviderSettings:
    provider = oidc.configured_providers().get(slug)
    if provider is None:
        raise Http404("No such sign-in provider")
    return provider


def _callback_url(request: HttpRequest, provider: oidc.ProviderSettings) -> str:
    return request.build_absolute_uri(reverse("sign-in-provider-callback", args=[provider.slug]))


@allowed_before_second_factor
@require_GET
def sign_in_with_provider(request: HttpRequest, provider: str) -> HttpResponse:
    """Send the person to DfE Sign-in or GOV.UK One Login to sign in.

    A link, not a form: the Content-Security-Policy's form-action 'self' stops a form post
    redirecting to another site. Nothing changes here but the pending sign-in in the session,
    and the state, nonce and PKCE verifier tie the answer to this browser.
    """
    chosen = _provider(provider)
    try:
        url, pending = oidc.start(chosen, _callback_url(request, chosen), _next_url(request))
    except oidc.SignInFailed as error:
        return _failed(request, chosen, error, actor=None)
    request.session[PENDING_OIDC] = pending.as_session()
    return redirect(url)


@allowed_before_second_factor
def sign_in_provider_callback(request: HttpRequest, provider: str) -> HttpResponse:
    """Check the provider's answer and start a session for the invited person it names."""
    chosen = _provider(provider)
    pending = oidc.PendingSignIn.from_session(request.session.pop(PENDING_OIDC, None))
    if pending is None or pending.provider != chosen.slug:
        error = oidc.SignInFailed(oidc.Failure.STATE_MISMATCH, "no sign-in was started here")
        return _failed(request, chosen, error, actor=None)
    try:
        verified = oidc.finish(chosen, _callback_url(request, chosen), request.GET.dict(), pending)
        user, limit = services.person_for_identity(chosen.slug, verified)
    except oidc.SignInFailed as error:
        return _failed(request, chosen, error, actor=error.person)
    logout(request)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SIGN_IN_METHOD] = chosen.slug
    request.session[OIDC_ID_TOKEN] = verified.id_token
    if limit is not None:
        request.session[ORGANISATION_LIMIT] = limit.as_session()
    organisation = verified.claims.get("organisation")
    services.sign_in_attempted.send(
        sender=oidc.VerifiedSignIn,
        actor=user,
        provider=chosen.name,
        organisation=organisation.get("name", "") if isinstance(organisation, dict) else "",
        allowed=True,
        reason=f"signed in with {chosen.name}",
    )
    return redirect(pending.next_url or "home")


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """Say that signing in is locked for a while (django-axes calls this after 5 failures)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    page = render(request, "people/locked_out.html", {"minutes": seconds // 60}, status=429)
    page["Retry-After"] = str(seconds)
    return page
