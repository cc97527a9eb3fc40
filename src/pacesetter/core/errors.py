"""Typed domain errors: services raise them, one place renders them as a page message or HTTP 4xx."""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A refusal the user should read: what was wrong and, where useful, which field."""

    code = "invalid"
    status = 422
    default_message = _("操作无法完成")

    def __init__(self, message=None, *, field: str | None = None, details=None):
        self.message = message or self.default_message
        self.field = field
        self.details = details or []
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": str(self.message)}
        if self.field:
            data["field"] = self.field
        if self.details:
            data["details"] = self.details
        return data


class ValidationError(ApplicationError):
    code = "validation_error"
    status = 422


class PermissionDeniedError(ApplicationError):
    code = "permission_denied"
    status = 403
    default_message = _("您没有权限执行此操作")


class NotFoundError(ApplicationError):
    code = "not_found"
    status = 404
    default_message = _("找不到该对象，或您无权查看")


class StateError(ApplicationError):
    """An action that the object's current state does not allow."""

    code = "invalid_state"
    status = 409


class RateLimitedError(ApplicationError):
    """Too many attempts from one address, phone or code in a period; the message says when to retry."""

    code = "rate_limited"
    status = 429
    default_message = _("操作过于频繁，请稍后再试")
