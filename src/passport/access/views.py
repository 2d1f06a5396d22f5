"""Pages for relationships that exist for access: emergency access, consent, sharing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from passport.access import services
from passport.access.break_glass import (
    break_glass_to_review,
    may_review_break_glass,
    may_use_emergency_access,
)
from passport.access.decisions import get_child_for
from passport.access.forms import SECTION_NAMES, BreakGlassForm, ConsentForm, SharingForm
from passport.access.models import Consent, ParentalAccessChoice, Referral
from passport.access.rules import Action
from passport.children.models import ParentalResponsibility
from passport.core.dates import today
from passport.web.http import AuthenticatedRequest

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: AuthenticatedRequest) -> HttpResponse:
    """Let staff with no relationship open a record in an emergency, giving a reason."""
    if not may_use_emergency_access(request.user):
        raise Http404("Emergency access is for staff")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.open_break_glass(
                request.user, form.cleaned_data["upn"], form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("passport", child.pk)
    return render(
        request, "access/break_glass.html", {"form": form, "hours": services.BREAK_GLASS_HOURS}
    )


@login_required
def break_glass_reviews(request: AuthenticatedRequest) -> HttpResponse:
    """Show LA reviewers and administrators the emergency openings of children on no roll."""
    if not may_review_break_glass(request.user):
        raise Http404("This page is for those who review emergency access")
    openings = break_glass_to_review(request.user)
    page = Paginator(openings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "access/break_glass_reviews.html", {"page": page, "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def consents(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Show the professionals working with the child, and the family's consent for each."""
    child = get_child_for(request.user, child_id, Action.CONSENT)
    referrals = Referral.objects.live_on(today()).filter(child=child).select_related("provider")
    current = {
        consent.provider_id: consent
        for consent in Consent.objects.filter(child=child, withdrawn_at__isnull=True)
    }
    rows = [
        {
            "referral": referral,
            "consent": current.get(referral.provider_id),
            "sections": [SECTION_NAMES.get(s, s) for s in current[referral.provider_id].sections]
            if referral.provider_id in current
            else [],
        }
        for referral in referrals
    ]
    return render(request, "access/consents.html", {"child": child, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def give_consent(request: AuthenticatedRequest, child_id: int, referral_id: int) -> HttpResponse:
    """Ask which sections a provider's professionals may see."""
    child = get_child_for(request.user, child_id, Action.CONSENT)
    referral = get_object_or_404(
        Referral.objects.live_on(today()).select_related("provider"), pk=referral_id, child=child
    )
    existing = Consent.objects.filter(
        child=child, provider=referral.provider, withdrawn_at__isnull=True
    ).first()
    form = ConsentForm(
        request.POST or None, initial={"sections": existing.sections if existing else []}
    )
    if request.method == "POST":
        if "withdraw" in request.POST and existing is not None:
            services.withdraw_consent(existing, request.user)
            messages.success(
                request, f"Consent withdrawn: {referral.provider} can no longer see the passport"
            )
            return redirect("consents", child.pk)
        if form.is_valid():
            try:
                services.give_consent(
                    child, referral.provider, form.cleaned_data["sections"], request.user
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"Consent saved for {referral.provider}")
                return redirect("consents", child.pk)
    return render(
        request,
        "access/give_consent.html",
        {"child": child, "referral": referral, "form": form, "existing": existing},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Let a young person past compulsory school age decide whether each parent keeps access."""
    child = get_child_for(request.user, child_id, Action.SHARE)
    responsibilities = list(
        ParentalResponsibility.objects.live_on(today()).filter(child=child).select_related("person")
    )
    choices = {}
    for choice in ParentalAccessChoice.objects.filter(child=child).order_by("decided_at", "pk"):
        choices[choice.parent_id] = choice.keeps_access
    forms = {}
    for responsibility in responsibilities:
        prefix = f"parent-{responsibility.person_id}"
        keeps = choices.get(responsibility.person_id, True)
        forms[responsibility.person_id] = SharingForm(
            request.POST if request.POST.get("parent") == str(responsibility.person_id) else None,
            prefix=prefix,
            initial={"keeps_access": "yes" if keeps else "no"},
            auto_id=f"{prefix}-%s",
        )
    if request.method == "POST":
        parent_id = request.POST.get("parent", "")
        responsibility = next((r for r in responsibilities if str(r.person_id) == parent_id), None)
        if responsibility is None:
            raise Http404("No such parent")
        form = forms[responsibility.person_id]
        if form.is_valid():
            keeps = form.cleaned_data["keeps_access"] == "yes"
            services.choose_parental_access(child, responsibility.person, keeps, request.user)
            messages.success(
                request,
                f"{responsibility.person} {'can' if keeps else 'can no longer'} see your passport",
            )
            return redirect("sharing", child.pk)
    rows = [
        {"responsibility": r, "form": forms[r.person_id], "keeps": choices.get(r.person_id, True)}
        for r in responsibilities
    ]
    return render(request, "access/sharing.html", {"child": child, "rows": rows})
