"""Every API error as an RFC 9457 problem detail (`application/problem+json`).

A problem says what happened (`title`, `detail`) and, for a request that fails validation, lists
each field at fault with a message that says how to fix it, in the GOV.UK style.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from http import HTTPStatus
from typing import Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from passport.core.errors import StaleVersion
from passport.web.error_pages import (
    RETRY_AFTER_SECONDS,
    TOO_LARGE_DETAIL,
    UNAVAILABLE_DETAIL,
)

PROBLEM_CONTENT_TYPE = "application/problem+json"

logger = logging.getLogger(__name__)


class FieldError(Schema):
    """One field at fault and how to fix it."""

    field: str | None
    message: str


class Problem(Schema):
    """An RFC 9457 problem detail."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] | None = None


# Problem types that mean more than their HTTP status; the rest are "about:blank" (RFC 9457 4.2.1).
VALIDATION = ("/api/problems/validation", "Your request has errors")
STALE_VERSION = ("/api/problems/stale-version", "The passport has changed since you read it")
CONFLICT = ("/api/problems/conflict", "Your change clashes with another change")

# Error responses to declare on operations, so the OpenAPI says what each can return.
ERRORS_ANY: dict[int, type[Schema]] = {401: Problem, 422: Problem}
ERRORS_READ: dict[int, type[Schema]] = {**ERRORS_ANY, 404: Problem}
# Any write can be refused for its size (413) or its body's type (415), before the operation runs.
ERRORS_CREATE: dict[int, type[Schema]] = {
    **ERRORS_ANY,
    400: Problem,
    403: Problem,
    409: Problem,
    413: Problem,
    415: Problem,
}
ERRORS_WRITE: dict[int, type[Schema]] = {**ERRORS_CREATE, **ERRORS_READ, 412: Problem}


def problem_response(
    request: HttpRequest,
    status: int,
    detail: str,
    *,
    kind: tuple[str, str] | None = None,
    errors: Iterable[FieldError] = (),
) -> HttpResponse:
    """Return a problem+json response."""
    problem_type, title = kind or ("about:blank", HTTPStatus(status).phrase)
    body: dict[str, Any] = {
        "type": problem_type,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    listed = [error.model_dump() for error in errors]
    if listed:
        body["errors"] = listed
    return HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)


def unsupported_media_type(
    request: HttpRequest, accepted: Iterable[str], sent: str
) -> HttpResponse:
    """Return a 415 problem naming the body types the operation takes (and `Accept` listing them)."""
    takes = " or ".join(accepted)
    got = f"not as {sent}" if sent else "and this request's body has no Content-Type"
    detail = f"This operation takes its body as {takes}, {got}: send it as {takes}"
    response = problem_response(request, 415, detail)
    response["Accept"] = ", ".join(accepted)
    return response


def _validation_problem(request: HttpRequest, errors: list[FieldError]) -> HttpResponse:
    count = "1 error" if len(errors) == 1 else f"{len(errors)} errors"
    detail = f"The request has {count}: correct each field listed in errors and try again"
    return problem_response(request, 422, detail, kind=VALIDATION, errors=errors)


def _field_name(loc: tuple[Any, ...]) -> str:
    """Name the field an error is about: a body field's path, or a parameter's name."""
    source, *path = loc
    if source == "body" and path:
        # Ninja puts the body parameter's own name first; the client never sees it.
        path = path[1:]
    return ".".join(str(part) for part in path) or source


def _pydantic_message(field: str, error: dict[str, Any]) -> str:
    """Turn a pydantic error into a message that names the field and says how to fix it."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if field == "body" and kind == "missing":
        return "Send a JSON object in the request body, with the fields described in /api/docs"
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return f"Enter {field}: it is required"
    if kind == "string_too_long":
        return f"{field} must be {ctx['max_length']} characters or fewer: shorten it"
    if kind == "too_long":
        return f"{field} must have {ctx['max_length']} items or fewer: remove some"
    if kind.startswith(("date_", "datetime_")) or kind == "iso_date":
        return f"{field} must be a real date in the format YYYY-MM-DD, like 2025-09-01"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"{field} must be a whole number, like 30"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"{field} must be {ctx.get('ge', ctx.get('gt'))} or more"
    if kind in {"less_than_equal", "less_than"}:
        return f"{field} must be {ctx.get('le', ctx.get('lt'))} or less"
    if kind in {"enum", "literal_error"}:
        return f"{field} must be one of {ctx.get('expected', 'the listed values')}"
    if kind == "string_pattern_mismatch":
        return f"{field} contains characters that are not allowed: remove them"
    if kind == "extra_forbidden":
        return f"{field} is not a field of this request: remove it or check its spelling"
    if kind in {"string_type", "string_unicode"}:
        return f"{field} must be text, in double quotes"
    if kind in {"bool_parsing", "bool_type"}:
        return f"{field} must be true or false"
    if kind in {"list_type", "set_type", "tuple_type"}:
        return f'{field} must be a list, like ["a", "b"]'
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f'{field} must be a JSON object, like {{"name": "value"}}'
    return f"{field}: {error['msg']}"


def _pydantic_errors(errors: list[dict[str, Any]]) -> list[FieldError]:
    result = []
    for error in errors:
        field = _field_name(tuple(error["loc"]))
        result.append(FieldError(field=field, message=_pydantic_message(field, error)))
    return result


def _django_errors(exc: DjangoValidationError) -> Iterator[FieldError]:
    """List a service's ValidationError as field errors, completing model validators' messages."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            yield FieldError(field=None, message=message)
        return
    for name, errors in exc.error_dict.items():
        field = None if name == NON_FIELD_ERRORS else name
        for error in errors:
            message = error.messages[0]
            if field and error.code in {"blank", "required", "null"}:
                message = f"Enter {field}: it is required"
            elif field and message[:1].islower():
                # Model validators write the end of a sentence ("must not contain HTML...").
                message = f"{field} {message}"
            yield FieldError(field=field, message=message)


def install_problem_handlers(api: NinjaAPI) -> None:
    """Make every error the API raises a problem detail."""

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return _validation_problem(request, _pydantic_errors(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def invalid_change(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return _validation_problem(request, list(_django_errors(exc)))

    @api.exception_handler(AuthenticationError)
    def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            request, 401, "Sign in first: this API uses your session from signing in to the service"
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem_response(request, 403, str(exc) or "You do not have permission to do this")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(request, 404, str(exc) or "Nothing was found at this address")

    @api.exception_handler(StaleVersion)
    def stale(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
        return problem_response(request, 412, str(exc), kind=STALE_VERSION)

    @api.exception_handler(IntegrityError)
    def clash(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        logger.warning("Integrity error on %s %s: %s", request.method, request.path, exc)
        detail = "Your change clashes with a change saved at the same moment: reload and try again"
        return problem_response(request, 409, detail, kind=CONFLICT)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = "The request body is not valid JSON: check quotes, commas and brackets"
        return problem_response(request, exc.status_code, detail)

    @api.exception_handler(RequestDataTooBig)
    @api.exception_handler(TooManyFieldsSent)
    @api.exception_handler(TooManyFilesSent)
    def too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem_response(request, 413, TOO_LARGE_DETAIL)

    @api.exception_handler(MultiPartParserError)
    def unreadable_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        detail = (
            "The multipart/form-data body could not be read: send the file as a form upload, "
            "with a boundary in the Content-Type that matches the one in the body"
        )
        return problem_response(request, 400, detail)

    @api.exception_handler(UnreadablePostError)
    def unreadable_body(request: HttpRequest, exc: UnreadablePostError) -> HttpResponse:
        return problem_response(
            request, 400, "The request body ended before it was complete: send it again"
        )

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("Database unavailable on %s %s: %s", request.method, request.path, exc)
        response = problem_response(request, 503, UNAVAILABLE_DETAIL)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unexpected error on %s %s", request.method, request.path)
        return problem_response(request, 500, "Something went wrong on our side: try again later")
