"""The WSGI entry point, with a shorter middleware chain for the one URL that takes a meeting's load.

`POST /api/ballots` (a ballot cast with a one-time code) is anonymous JSON: no session, no sign-in, no CSRF
cookie, no messages, no static files. Under load its Python time is a large share of a cast, and about a
fifth of that went to middleware it does not use. Everything else goes through settings.MIDDLEWARE as before;
the ballot chain keeps the security headers, the rater's language, the JSON NUL guard, the request context
and the access policy (the route is PUBLIC there, and stays checked).
"""

import os

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.utils.module_loading import import_string

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")

BALLOT_PATH = "/api/ballots"
BALLOT_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "pacesetter.wsgi.AnonymousMiddleware",
    "pacesetter.core.middleware.JsonNulGuardMiddleware",
    "pacesetter.core.middleware.RequestContextMiddleware",
    "pacesetter.policy.PolicyMiddleware",
)


class AnonymousMiddleware:
    """Nobody signs in on the ballot path: the policy check sees an anonymous user."""

    def __init__(self, get_response):
        from django.contrib.auth.models import AnonymousUser  # apps are loaded by now

        self.get_response = get_response
        self.anonymous = AnonymousUser()

    def __call__(self, request):
        request.user = self.anonymous
        return self.get_response(request)


class BallotHandler(WSGIHandler):
    """A WSGIHandler whose chain is BALLOT_MIDDLEWARE (built as BaseHandler.load_middleware builds it)."""

    def load_middleware(self, is_async=False):
        self._view_middleware, self._template_response_middleware, self._exception_middleware = [], [], []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(BALLOT_MIDDLEWARE):
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler


_site = get_wsgi_application()
_ballots = BallotHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO") == BALLOT_PATH and environ.get("REQUEST_METHOD") == "POST":
        return _ballots(environ, start_response)
    return _site(environ, start_response)
