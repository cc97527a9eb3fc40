"""The JSON API (django-ninja): same services and selectors as the pages, same access policy."""

from django.http import Http404
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security.base import AuthBase

from pacesetter.core.errors import ApplicationError

from .actions import router as actions_router
from .assessment import router as assessment_router
from .campaigns import router as campaigns_router
from .commitments import router as commitments_router
from .complaints import router as complaints_router
from .evaluations import router as evaluations_router
from .honours import router as honours_router
from .massorgs import router as massorgs_router
from .member_reviews import router as member_reviews_router
from .mentoring import router as mentoring_router
from .notifications import router as notifications_router
from .openapi import PacesetterAPI, unreadable_body, validation_error_body
from .orgs import router as orgs_router
from .people import router as people_router
from .plans import router as plans_router
from .points import router as points_router
from .progress import router as progress_router
from .publicity import router as publicity_router
from .records import router as records_router
from .supervision import router as supervision_router


class SignedIn(AuthBase):
    """Token clients are signed in by middleware; browser sessions must also pass the CSRF check.

    A class rather than a function so that the OpenAPI document names the bearer scheme on every operation
    that needs it (and so lists that operation's 401 and 403 answers).
    """

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return None
        if not getattr(request, "auth_via_token", False) and request.method not in ("GET", "HEAD", "OPTIONS"):
            reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
            if reason is not None:
                return None
        return user


signed_in = SignedIn()


api = PacesetterAPI(
    title="Pacesetter 创先争优活动管理平台 API",
    version="1.0.0",
    description=_(
        "组织、党员、角色等数据接口。使用 `Authorization: Bearer <令牌>` 认证（在“API 令牌”页面生成）。"
    ),
    auth=signed_in,
    docs_url="/docs",
)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _refusal(request, code: str, message: str, status: int):
    """The `Error` body (`{code, message}`) of a refusal that is not an ApplicationError."""
    return api.create_response(request, {"code": code, "message": message}, status=status)


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    return _refusal(request, "not_authenticated", _("请先登录或提供有效的 API 令牌"), 401)


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc: NinjaValidationError):
    return api.create_response(request, validation_error_body(exc), status=422)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _refusal(request, "not_found", _("找不到该对象，或您无权查看"), 404)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # django-ninja raises 400 for a body that is not JSON at all; like any other bad input it is a 422 here.
    if exc.status_code == 400:
        return api.create_response(request, unreadable_body(exc), status=422)
    return _refusal(request, "error", str(exc), exc.status_code)


# Evaluations first: POST /api/ballots is the busiest route (a meeting casting at once).
api.add_router("/", evaluations_router)
api.add_router("/", orgs_router)
api.add_router("/", people_router)
api.add_router("/", campaigns_router)
api.add_router("/", plans_router)
api.add_router("/", records_router)
api.add_router("/", progress_router)
api.add_router("/", commitments_router)
api.add_router("/", supervision_router)
api.add_router("/", complaints_router)
api.add_router("/", points_router)
api.add_router("/", publicity_router)
api.add_router("/", honours_router)
api.add_router("/", notifications_router)
api.add_router("/", actions_router)
api.add_router("/", assessment_router)
api.add_router("/", massorgs_router)
api.add_router("/", member_reviews_router)
api.add_router("/", mentoring_router)
