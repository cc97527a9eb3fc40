"""Leader review (领导点评) and supervision (督查, 随机抽查, 整改, 通报) endpoints: the pages' services and selectors.

One router, by topic: `reviews` (liaisons and reviews), `rectifications` (限期整改 with their evidence), `inspections`
(teams, inspections, findings and 随机抽查 draws), `notices` (通报) and `holiday_year` (节假日安排); `_common` holds
the list limit and the shared inputs. `urls.py` mounts `router`.
"""

from ._router import router

# isort: off
# each topic adds its routes to the router when imported: in the order they were declared, which is
# the order of the URL patterns and of the OpenAPI paths
from . import _common  # noqa: F401
from . import reviews  # noqa: F401
from . import rectifications  # noqa: F401
from . import inspections  # noqa: F401
from . import notices  # noqa: F401
from . import holiday_year  # noqa: F401
# isort: on

__all__ = ["router"]
