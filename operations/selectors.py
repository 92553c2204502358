"""Reads of operations: the ordered list every adapter (API, dashboard) serves."""

from orderly.errors import DomainError, ErrorCode

SORT_FIELDS = ("created_at", "updated_at", "executed_at", "type", "status")


def operation_list(*, queryset, sort: str | None = None, direction: str | None = None):
    sort = sort or "created_at"
    direction = direction or "desc"
    details = {}
    if sort not in SORT_FIELDS:
        details["sort"] = [f"Must be one of: {', '.join(SORT_FIELDS)}."]
    if direction not in ("asc", "desc"):
        details["order"] = ["Must be asc or desc."]
    if details:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "Invalid input.", details=details)
    prefix = "-" if direction == "desc" else ""
    return queryset.order_by(f"{prefix}{sort}", f"{prefix}id")
