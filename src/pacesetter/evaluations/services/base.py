"""What every evaluations write shares: the permission check."""

from pacesetter.core.errors import PermissionDeniedError


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDeniedError()
