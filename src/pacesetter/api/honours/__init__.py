"""Commendation endpoints (评选表彰): programmes, nominations with their review, 公示 and the 表彰决定, and the
public honour roll — the same services and selectors as the pages.

One router, by topic: `programmes` (programmes, categories, quotas, opening), `nominations` (candidates,
nominations and their review, 公示 and the 表彰决定) and `public` (one's honours, the public roll, the public's
recommendations and objections); `_common` holds the page size (the paging window is `api._common.window`).
`urls.py` mounts `router`.
"""

from ._router import router

# isort: off
# each topic adds its routes to the router when imported: in the order they were declared, which is
# the order of the URL patterns and of the OpenAPI paths
from . import _common  # noqa: F401
from . import programmes  # noqa: F401
from . import nominations  # noqa: F401
from . import public  # noqa: F401
# isort: on

__all__ = ["router"]
