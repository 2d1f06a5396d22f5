"""Who is calling the API: the session from signing in to the service."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf

from passport.people.models import User


class SessionAuth(APIKeyCookie):
    """Ninja's session auth, but a caller who is not signed in hears 401 before any CSRF check.

    Ninja checks CSRF first, so an anonymous POST would get 403 and hide the real problem.
    """

    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> User | None:
        user = self.authenticate(request, None)
        if user is None:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise PermissionDenied(
                "The CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header"
            )
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


session_auth = SessionAuth()


def signed_in(request: HttpRequest) -> User:
    """Return the user the API authenticated (every operation requires one)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user
