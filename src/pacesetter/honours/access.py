"""Access rules for the honours app's URL names (pages, public site, API), merged into policy.POLICY.

Programme pages are open to anyone who may nominate or manage; which programmes and nominations they see is
decided by the selectors (scope) and rules (nominator, reviewer, office) object by object."""

from pacesetter.core.access import LOGIN, PUBLIC
from pacesetter.orgs.enums import Cap

RULES: dict = {
    "honours:programme-list": LOGIN,
    "honours:my-honours": LOGIN,
    "honours:member-honours": LOGIN,  # whose record: orgs.selectors.member_get_for (scope, PERSON_VIEW)
    "api-1.0.0:honours-mine": LOGIN,
    "honours:programme-detail": LOGIN,
    "honours:category-add": Cap.HONOURS_MANAGE,
    "honours:quota-allocate": Cap.HONOURS_NOMINATE,
    "honours:programme-open": Cap.HONOURS_MANAGE,
    "honours:notice-start": Cap.HONOURS_MANAGE,
    "honours:notice-docx": LOGIN,
    "honours:decision-issue": Cap.HONOURS_MANAGE,
    "honours:decision-docx": LOGIN,
    "honours:certificates-docx": Cap.HONOURS_MANAGE,
    "honours:nomination-create": Cap.HONOURS_NOMINATE,
    "honours:review-queue": Cap.HONOURS_NOMINATE,
    "honours:nomination-detail": LOGIN,
    "honours:nomination-photo": LOGIN,  # whose: selectors.nomination_photo_get_for (the nomination's rule)
    "honours:nomination-review": Cap.HONOURS_NOMINATE,
    "honours:nomination-resubmit": Cap.HONOURS_NOMINATE,
    "honours:nomination-remove": Cap.HONOURS_MANAGE,
    # The public site: published programmes only (推荐, 公示, 异议), the honour roll and certificates.
    "honours-public:roll": PUBLIC,
    "honours-public:honour": PUBLIC,
    "honours-public:programme": PUBLIC,
    "honours-public:objection": PUBLIC,
    "honours-public:recommend-form": PUBLIC,
    "honours-public:recommend": PUBLIC,
    # JSON API
    "api-1.0.0:honours-programme-list": {"GET": LOGIN, "POST": Cap.HONOURS_MANAGE},
    "api-1.0.0:honours-programme-detail": LOGIN,
    "api-1.0.0:honours-candidate-list": LOGIN,  # as the page's 候选组织 card: whoever sees the programme
    "api-1.0.0:honours-nomination-list": {"GET": LOGIN, "POST": Cap.HONOURS_NOMINATE},
    "api-1.0.0:honours-nomination-detail": LOGIN,
    "api-1.0.0:honours-nomination-review": Cap.HONOURS_NOMINATE,
    "api-1.0.0:honours-notice-start": Cap.HONOURS_MANAGE,
    "api-1.0.0:honours-decision-issue": Cap.HONOURS_MANAGE,
    "api-1.0.0:honours-category-list": Cap.HONOURS_MANAGE,
    "api-1.0.0:honours-category-detail": Cap.HONOURS_MANAGE,
    "api-1.0.0:honours-quota-allocate": Cap.HONOURS_NOMINATE,
    "api-1.0.0:honours-programme-open": Cap.HONOURS_MANAGE,
    "api-1.0.0:honours-nomination-create-multipart": Cap.HONOURS_NOMINATE,
    "api-1.0.0:honours-nomination-resubmit": Cap.HONOURS_NOMINATE,
    "api-1.0.0:honours-nomination-remove": Cap.HONOURS_MANAGE,
    "api-1.0.0:honours-roll": PUBLIC,
    "api-1.0.0:public-honours-recommend-code": PUBLIC,
    "api-1.0.0:public-honours-recommend": PUBLIC,
    "api-1.0.0:public-honours-objection-code": PUBLIC,
    "api-1.0.0:public-honours-objection": PUBLIC,
}
