"""API endpoints of the campaigns app: campaigns, stages and steps, windows, criteria, themes, groups, pairings.

One router, by topic: `campaigns` (campaigns, stages, steps, windows, extensions), `criteria` (评价标准),
`organising` (an organisation's theme and leading group, pairings, requirements per member status) and `local`
(local standards and presets). `urls.py` mounts `router`.
"""

from ._router import router

# isort: off
# each topic adds its routes to the router when imported: in the order they were declared, which is
# the order of the URL patterns and of the OpenAPI paths
from . import campaigns  # noqa: F401
from . import criteria  # noqa: F401
from . import organising  # noqa: F401
from . import local  # noqa: F401
# isort: on

__all__ = ["router"]
