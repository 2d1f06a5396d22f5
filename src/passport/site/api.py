"""The Support Passport API: one NinjaAPI object; each app's router lives in its api.py."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from passport.directory.api import router as directory_router
from passport.ehcp.api import router as ehcp_router
from passport.funding.api import router as funding_router
from passport.passports.api import router as passports_router
from passport.passports.children_api import router as children_router
from passport.transitions.api import router as transitions_router
from passport.transitions.ctf.api import router as ctf_router
from passport.web.auth import session_auth
from passport.web.problems import PROBLEM_CONTENT_TYPE, install_problem_handlers

DESCRIPTION = """\
Read and change children's support passports.

Sign in to the service first: the API uses that session, and unsafe methods (POST, PUT,
DELETE) need the CSRF token in the `X-CSRFToken` header. You see only the children you work
with; any other child's id answers 404, as if it did not exist.

Every error is an RFC 9457 problem detail (`application/problem+json`). A 422 lists each
field at fault in `errors`, with a message that says how to fix it.

Passport responses carry the passport's version in an `ETag` header. Send it back in
`If-Match` (or as `expected_version`) when you change the passport: if someone else has
changed it since, you get 412 and nothing is saved.
"""


class PassportAPI(NinjaAPI):
    """NinjaAPI with short operation ids and error responses typed as problem+json."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(*args, **kwargs)
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
        return schema


api = PassportAPI(
    title="Support Passport API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=session_auth,
)
install_problem_handlers(api)
api.add_router("/children", children_router)
api.add_router("/children", passports_router)
api.add_router("/ctf", ctf_router)
api.add_router("", transitions_router)
api.add_router("", ehcp_router)
api.add_router("", funding_router)
api.add_router("", directory_router)
