"""Who may do what in reviews and supervision; each predicate is checked again in the service."""

from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Liaison, Organisation
from pacesetter.orgs.selectors import has_cap, org_in_scope

from .enums import InspectionStatus


def can_review_org(user, org: Organisation) -> bool:
    """Only the leader linked to the organisation (联系点) reviews it."""
    return (
        user.is_authenticated
        and has_cap(user, Cap.REVIEW_WRITE)
        and Liaison.objects.filter(leader=user, organisation=org).exists()
    )


def can_guide_review_org(user, org: Organisation) -> bool:
    """行业指导点评 (#18): a guiding body reviews the organisations of its sector line (the scope of its grant)."""
    return user.is_authenticated and org_in_scope(user, org, Cap.GUIDANCE_REVIEW)


def can_respond_for(user, org: Organisation) -> bool:
    return org_in_scope(user, org, Cap.SUPERVISION_RESPOND)


def can_supervise(user, org: Organisation) -> bool:
    return org_in_scope(user, org, Cap.SUPERVISION_MANAGE)


def is_office_over(user, org: Organisation) -> bool:
    return org_in_scope(user, org, Cap.CAMPAIGN_MANAGE)


def can_publish_review(user, review) -> bool:
    """The leader who filed it, or the office; a guiding body's review is published by the office alone."""
    own = review.leader_id == user.pk and not review.guidance
    return own or is_office_over(user, review.organisation)


def can_order_from_review(user, review) -> bool:
    """Rectification orders stay with the leader who filed it or the office, never a guiding body."""
    own = review.leader_id == user.pk and not review.guidance
    return own or is_office_over(user, review.organisation)


def can_verify_rectification(user, rectification) -> bool:
    """The issuer, or the office above the responsible organisation."""
    return rectification.issued_by_id == user.pk or is_office_over(user, rectification.organisation)


def can_act_on_inspection(user, inspection) -> bool:
    """The office above the inspected organisation, or an inspector on the inspection's team."""
    if is_office_over(user, inspection.organisation):
        return True
    return (
        can_supervise(user, inspection.organisation)
        and inspection.team_id is not None
        and inspection.team.members.filter(pk=user.pk).exists()
    )


def can_file_inspection(user, inspection) -> bool:
    return inspection.status == InspectionStatus.PLANNED and can_act_on_inspection(user, inspection)


def can_cancel_inspection(user, inspection) -> bool:
    """Whoever may file a planned inspection may call it off instead."""
    return inspection.status == InspectionStatus.PLANNED and can_act_on_inspection(user, inspection)
