"""Is a capability open for an organisation now? One answer for every app, from step rows and extensions."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pacesetter.core.errors import StateError
from pacesetter.orgs.models import Organisation

from .enums import CampaignStatus, StepCapability
from .models import Campaign, Step, StepExtension

# (step, opens, closes, extended): one step carrying a capability, its close moved by any extension.
ScheduleEntry = tuple[Step, datetime.datetime, datetime.datetime, bool]


@dataclass(frozen=True)
class Window:
    capability: str
    is_open: bool
    step: Step | None
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None  # including any extension for the organisation's subtree
    extended: bool
    message: str

    @classmethod
    def without_step(cls, capability: str, message: str) -> "Window":
        """Closed, with no step to name: the campaign is not running, or schedules none for `capability`."""
        return cls(capability, False, None, None, None, False, message)


def _fmt(value: datetime.datetime) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def campaigns_covering(org: Organisation):
    """Active campaigns whose organisation is `org` or one of its ancestors, nearest first.

    The one order every caller uses to choose "the campaign for this organisation": the campaign run
    closest to it (deepest organisation), then the one that started last, then the newest row.
    """
    return (
        Campaign.objects.filter(
            organisation__path__in=[*org.ancestor_paths, org.path], status=CampaignStatus.ACTIVE
        )
        .select_related("organisation__parent")
        .order_by("-organisation__depth", "-starts_on", "-id")
    )


def campaign_nearest(org: Organisation) -> Campaign | None:
    """The campaign for this organisation: the first of `campaigns_covering`."""
    return campaigns_covering(org).first()


def capability_schedule(*, campaign: Campaign, capability: str, org: Organisation) -> list[ScheduleEntry]:
    """(step, opens, closes, extended) for every step of `campaign` carrying `capability`, by opening time.

    `closes` includes an extension granted on `org` or an ancestor. Whatever the campaign's status: this
    is the schedule, not whether it is open.
    """
    steps = [
        s for s in campaign.steps.select_related("stage").order_by("opens_at") if capability in s.capabilities
    ]
    if not steps:
        return []
    paths = [*org.ancestor_paths, org.path]
    extensions = {
        e.step_id: e.closes_at
        for e in StepExtension.objects.filter(step__in=steps, organisation__path__in=paths).order_by(
            "closes_at"
        )
    }
    windows: list[ScheduleEntry] = []
    for s in steps:
        closes = max(s.closes_at, extensions.get(s.pk, s.closes_at))
        windows.append((s, s.opens_at, closes, closes > s.closes_at))
    return windows


def step_window_for(*, campaign: Campaign, capability: str, org: Organisation, at=None) -> Window:
    """The window in which `capability` is open for `org` in `campaign`, and whether `at` falls inside it.

    Several steps may carry the same capability (one per stage): the one open now wins, else the next
    to open, else the last one closed. An extension granted on `org` or an ancestor moves the close.
    """
    at = at or timezone.now()
    label = StepCapability(capability).label
    if campaign.status != CampaignStatus.ACTIVE:
        return Window.without_step(
            capability, _("活动“%(c)s”当前不在进行中，不能%(what)s") % {"c": campaign.name, "what": label}
        )
    windows = capability_schedule(campaign=campaign, capability=capability, org=org)
    if not windows:
        return Window.without_step(
            capability, _("活动“%(c)s”没有安排开放“%(what)s”的步骤") % {"c": campaign.name, "what": label}
        )
    for entry in windows:
        s, opens, closes, _extended = entry
        if opens <= at < closes:
            return Window(
                capability,
                True,
                *entry,
                _("“%(step)s”开放中，截止 %(end)s") % {"step": s.get_kind_display(), "end": _fmt(closes)},
            )
    upcoming = [w for w in windows if w[1] > at]
    if upcoming:
        s, opens, closes, _extended = upcoming[0]
        return Window(
            capability,
            False,
            *upcoming[0],
            _("“%(what)s”属于“%(step)s”步骤，将于 %(start)s 开放（至 %(end)s），现在还不能操作")
            % {"what": label, "step": s.get_kind_display(), "start": _fmt(opens), "end": _fmt(closes)},
        )
    s, opens, closes, _extended = windows[-1]
    return Window(
        capability,
        False,
        *windows[-1],
        _("“%(what)s”属于“%(step)s”步骤，已于 %(end)s 截止；如需补报，请联系活动办公室延期")
        % {"what": label, "step": s.get_kind_display(), "end": _fmt(closes)},
    )


def require_open(*, campaign: Campaign, capability: str, org: Organisation, at=None) -> Window:
    """Raise StateError (HTTP 409, a clear message saying when it opens or closed) unless open."""
    window = step_window_for(campaign=campaign, capability=capability, org=org, at=at)
    if not window.is_open:
        raise StateError(window.message)
    return window


def windows_for(campaign: Campaign, org: Organisation, *, at=None) -> list[Window]:
    """For each capability some step carries: is it open for `org` now, and the sentence saying when."""
    carried = {c for caps in campaign.steps.values_list("capabilities", flat=True) for c in caps}
    return [
        step_window_for(campaign=campaign, capability=c, org=org, at=at)
        for c in StepCapability.values
        if c in carried
    ]
