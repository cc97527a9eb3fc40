"""Access rules for the complaints app's URL names (pages, public report channel, API), merged into policy.POLICY.

Handler pages need case.view somewhere (handlers, and inspectors who read cases read-only; every step is
checked again by the service against the transition table, so a reader's POST is refused there); which cases a handler sees is the selectors' business (the
owning organisation's subtree, never the member a case names). The public channel needs no account.
"""

from pacesetter.orgs.enums import Cap

PUBLIC = "public"

RULES: dict = {
    "complaints:case-list": Cap.CASE_VIEW,
    "complaints:triage-queue": Cap.CASE_TRIAGE,
    "complaints:case-detail": Cap.CASE_VIEW,
    "complaints:case-act": Cap.CASE_VIEW,
    "complaints:case-attachment": Cap.CASE_VIEW,
    "complaints:stats": Cap.CASE_VIEW,
    "complaints:stats-xlsx": Cap.CASE_VIEW,
    # The public channel (/r/): the form, the rules (一次性告知), the status page and the rating.
    "report:form": PUBLIC,
    "report:code": PUBLIC,
    "report:rules": PUBLIC,
    "report:query": PUBLIC,
    "report:rate": PUBLIC,
    # JSON API
    "api-1.0.0:case-list": Cap.CASE_VIEW,
    "api-1.0.0:case-triage": Cap.CASE_TRIAGE,
    "api-1.0.0:case-detail": Cap.CASE_VIEW,
    "api-1.0.0:case-act": Cap.CASE_VIEW,
    "api-1.0.0:case-stats": Cap.CASE_VIEW,
    "api-1.0.0:case-categories": PUBLIC,
    "api-1.0.0:public-case-file": PUBLIC,
    "api-1.0.0:public-case-file-multipart": PUBLIC,
    "api-1.0.0:public-case-code": PUBLIC,
    "api-1.0.0:public-case-query": PUBLIC,
    "api-1.0.0:public-case-rate": PUBLIC,
}
