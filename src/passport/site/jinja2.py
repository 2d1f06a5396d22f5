"""The Jinja2 environment for pages: GOV.UK Frontend macros plus Django's url and static."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader, PrefixLoader

from passport.core.policy import current_pack
from passport.site.navigation import navigation_items


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """Reverse a URL name, as `{% url %}` does in Django templates."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    """Build the environment Django's Jinja2 backend renders with."""
    options["undefined"] = ChainableUndefined
    # The GOV.UK macros are imported as "govuk_frontend_jinja/components/...".
    options["loader"] = ChoiceLoader(
        [
            options["loader"],
            PrefixLoader(
                {"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}
            ),
        ]
    )
    env = Environment(**options)  # noqa: S701 - Django's backend turns autoescape on
    env.globals.update(
        {
            "url": url,
            "static": static,
            "get_messages": get_messages,
            "policy": current_pack,
            "navigation_items": navigation_items,
        }
    )
    env.filters["date_long"] = lambda d: f"{d:%-d %B %Y}" if d else ""
    env.filters["datetime_long"] = lambda d: (
        f"{d:%-d %B %Y at %-I:%M%p}".replace("AM", "am").replace("PM", "pm") if d else ""
    )
    return env
