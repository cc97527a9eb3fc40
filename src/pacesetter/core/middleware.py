"""Bearer-token sign-in for API clients, the client address for audit entries, and domain errors as pages."""

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .context import current_ip
from .errors import ApplicationError
from .models import ApiToken


class TokenAuthenticationMiddleware:
    """`Authorization: Bearer ps_…` signs a machine client in as the token's user, for /api/ only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        request.auth_via_token = False
        if request.path_info.startswith("/api/") and header.startswith("Bearer "):
            from .lockouts import token_failure_record, token_refusal

            # An address that sent many bad tokens lately is refused before the token is even looked up.
            refusal = token_refusal(request)
            if refusal is not None:
                return refusal
            token = ApiToken.lookup(header.removeprefix("Bearer ").strip())
            if token is None:
                token_failure_record(request)
                return JsonResponse({"code": "invalid_token", "message": "API 令牌无效或已撤销"}, status=401)
            request.user = token.user
            request.auth_via_token = True
            request._dont_enforce_csrf_checks = True
            if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 60:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return self.get_response(request)


def client_ip(request) -> str | None:
    """The address the request came from, as seen by the outermost of settings.TRUSTED_PROXIES proxies.

    Each proxy appends the address it saw to X-Forwarded-For, so only the last TRUSTED_PROXIES entries were
    written by us; anything to their left is whatever the client sent, and trusting it would let anyone
    slip past the per-address limits (code guessing, public ratings) with a made-up header.
    """
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(exception.as_dict(), status=exception.status)
        from django.http import HttpResponse

        html = render_to_string(
            "web/error.html", {"status": exception.status, "message": exception.message}, request
        )
        return HttpResponse(html, status=exception.status)


class NulGuardMiddleware:
    """Refuse NUL characters in a query string (any page) or in a JSON API body: PostgreSQL cannot store or
    even compare them in text, so a `?q=%00` reached the database as a server error from whichever view read
    it. One guard here instead of a check in every view; form posts are covered by Django's
    ProhibitNullCharactersValidator."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path_info.startswith("/api/")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return self._refuse(request, is_api, field=name.replace("\x00", "") or "query")
        if (
            is_api
            and request.content_type == "application/json"
            and (b"\\u0000" in request.body or b"\x00" in request.body)
        ):
            return self._refuse(request, is_api, field="body")
        return self.get_response(request)

    @staticmethod
    def _refuse(request, is_api: bool, *, field: str):
        message = _("请求中含有无法保存的控制字符（NUL），请删除后重试")
        if is_api:
            return JsonResponse({"code": "validation_error", "message": message, "field": field}, status=422)
        html = render_to_string("web/error.html", {"status": 400, "message": message}, request)
        return HttpResponseBadRequest(html)


# The name settings.MIDDLEWARE has used since the guard only looked at JSON bodies.
JsonNulGuardMiddleware = NulGuardMiddleware
