"""CSRF for pages sent with `Referrer-Policy: no-referrer`: the token is checked, a `null` Origin accepted.

Under no-referrer a browser sends a form POST with `Origin: null` and no Referer, even to the page's own
site, and Django's check refuses any Origin that is not the site's. The pages under /e/ carry a one-time code
in their address and must send no Referer; their forms (the ballot, the receipt check, the language switch)
keep the part of the check that matters, the secret token from the cookie that no other site can read.
"""

from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt


class NullOriginCsrfViewMiddleware(CsrfViewMiddleware):
    def _origin_verified(self, request):
        return request.META.get("HTTP_ORIGIN") == "null" or super()._origin_verified(request)


_token_checked = decorator_from_middleware(NullOriginCsrfViewMiddleware)


def csrf_token_checked(view):
    """The view takes the token check in place of the site-wide one, which would refuse `Origin: null`."""
    return csrf_exempt(_token_checked(view))
