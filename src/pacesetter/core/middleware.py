"""Bearer-token sign-in for API clients, the client address for audit entries, and domain errors as pages."""

from django.conf import settings
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone

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


class JsonNulGuardMiddleware:
    """Refuse JSON API bodies carrying NUL characters: PostgreSQL cannot store them in text, and a clear
    422 beats a database error. (Form posts are covered by Django's ProhibitNullCharactersValidator.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path_info.startswith("/api/")
            and request.content_type == "application/json"
            and (b"\\u0000" in request.body or b"\x00" in request.body)
        ):
            return JsonResponse(
                {"code": "validation_error", "message": "请求中含有无法保存的控制字符（NUL），请删除后重试"},
                status=422,
            )
        return self.get_response(request)
