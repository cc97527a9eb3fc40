"""Campaign models, one module per area (each area's owner edits only its module)."""

from .campaign import Campaign, Milestone, Stage, Step, StepExtension  # noqa: F401
from .criteria import CriteriaIndicator, CriteriaItem, CriteriaSet  # noqa: F401
from .groups import GroupMember  # noqa: F401
from .local import LocalCriteriaText  # noqa: F401
from .pairing import Pairing, PairingNote  # noqa: F401
from .requirements import MemberRequirement  # noqa: F401
from .tallies import Tally, TallyMonth  # noqa: F401
from .themes import OrgTheme  # noqa: F401
