"""Every operation the API publishes, read from its own OpenAPI document."""

from __future__ import annotations

from dataclasses import dataclass

from passport.site.api import api


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str

    @property
    def is_read(self) -> bool:
        return self.method == "get"

    @property
    def item_name(self) -> str | None:
        """The list-section item the operation works on, like "strategy", if any."""
        for name in ("strategy", "support_item", "outcome", "review"):
            if self.operation_id.endswith(f"_{name}"):
                return name
        return None

    def url(self, child_id: int, item_ids: dict[str, int]) -> str:
        path = self.path.replace("{child_id}", str(child_id))
        if self.item_name:
            path = path.replace("{item_id}", str(item_ids[self.item_name]))
        return path.replace("{transfer_id}", str(item_ids["transfer"]))

    def __str__(self) -> str:
        return self.operation_id


def all_operations() -> list[Operation]:
    schema = api.get_openapi_schema(path_prefix="/api/")
    return [
        Operation(details["operationId"], method, path)
        for path, methods in schema["paths"].items()
        for method, details in methods.items()
    ]


def child_operations() -> list[Operation]:
    """Operations on one child, which must answer 404 to anyone without access."""
    return [operation for operation in all_operations() if "{child_id}" in operation.path]
