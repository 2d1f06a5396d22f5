"""Sending an EHC page that creates something twice (a double click, a retry) creates it once:
the request for an assessment and the steps on the caseworker's case page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from passport.ehcp import services
from passport.ehcp.models import AdviceRequest, AssessmentRequest

pytestmark = pytest.mark.django_db


def test_sending_the_request_page_twice_sends_one_request(client: Client, case):
    url = reverse("ehcp-request", args=[case.child.pk])
    client.force_login(case.parent)
    page = client.get(url).content.decode()
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    body = {"reason": "Reading has not improved after two terms", "form_token": token}

    first = client.post(url, body)
    second = client.post(url, body)

    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == first["Location"] == reverse("ehcp-timeline", args=[case.child.pk])
    assert AssessmentRequest.objects.filter(child=case.child).count() == 1


def test_asking_for_advice_sent_twice_asks_once(client: Client, case):
    request = services.request_assessment(case.child, case.parent, reason="Please")
    services.decide_whether_to_assess(request, case.caseworker, assess=True)
    url = reverse("ehcp-case", args=[case.child.pk])
    client.force_login(case.caseworker)
    page = client.get(url).content.decode()
    advice_form = page.split('name="step" value="advice"', 1)[1]
    token = advice_form.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    body = {
        "step": "advice",
        "form_token": token,
        "adviser_kind": "health",
        "adviser": "Community paediatrician",
        "asked_on-day": str(dt.date.today().day),
        "asked_on-month": str(dt.date.today().month),
        "asked_on-year": str(dt.date.today().year),
    }

    responses = [client.post(url, body), client.post(url, body)]

    assert [r.status_code for r in responses] == [302, 302]
    assert AdviceRequest.objects.filter(request__child=case.child).count() == 1
