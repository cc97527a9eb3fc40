"""Evaluations (群众评议): cast a ballot by code (public), peer and paper ballots, round results, receipts.

One router, by topic: `ballots` (the ballot a code opens, casting it, receipt checks), `rounds` (setting rounds up and
running them, codes, grades, cases), `results` (results, peer and paper ballots, questions, paper import) and
`suggestions` (意见建议 and the standard survey). `urls.py` mounts `router`.
"""

from ._router import router

# isort: off
# each topic adds its routes to the router when imported: in the order they were declared, which is
# the order of the URL patterns and of the OpenAPI paths
from . import ballots  # noqa: F401
from . import rounds  # noqa: F401
from . import results  # noqa: F401
from . import suggestions  # noqa: F401
# isort: on

__all__ = ["router"]
