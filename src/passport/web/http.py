"""Request types for views that need a signed-in person."""

from __future__ import annotations

from django.http import HttpRequest

from passport.people.models import User


class AuthenticatedRequest(HttpRequest):
    """A request behind @login_required: `user` is a real account, never AnonymousUser."""

    user: User
