"""Access rules for the records app's URL names, merged into pacesetter.policy.POLICY.

"login" pages check object by object: a member opens their own records and photos and signs in at
meetings of their organisation; everyone else needs record.view in the record's scope (the selectors).
"""

from pacesetter.core.access import LOGIN
from pacesetter.orgs.enums import Cap

RULES: dict = {
    "records:record-list": Cap.RECORD_VIEW,
    "records:my-records": LOGIN,
    "records:record-create": Cap.RECORD_LOG,
    "records:record-detail": LOGIN,
    "records:record-edit": Cap.RECORD_LOG,
    "records:record-delete": Cap.RECORD_LOG,
    "records:record-check": Cap.RECORD_CHECK,
    "records:photo": LOGIN,
    "records:photo-add": Cap.RECORD_LOG,
    "records:photo-delete": Cap.RECORD_LOG,
    "records:meeting-attendance": Cap.RECORD_LOG,
    "records:meeting-attendance-all": Cap.RECORD_LOG,
    "records:sign-in-open": Cap.RECORD_LOG,
    "records:sign-in-close": Cap.RECORD_LOG,
    "records:sign-in": LOGIN,
    "records:export": Cap.RECORD_VIEW,
    # JSON API
    "api-1.0.0:record-list": {"GET": LOGIN, "POST": Cap.RECORD_LOG},
    "api-1.0.0:record-detail": {"GET": LOGIN, "PATCH": Cap.RECORD_LOG, "DELETE": Cap.RECORD_LOG},
    "api-1.0.0:record-photos": {"GET": LOGIN, "POST": Cap.RECORD_LOG},
    "api-1.0.0:record-attendance": {"GET": Cap.RECORD_LOG, "POST": Cap.RECORD_LOG},
    "api-1.0.0:record-sign-in": {"POST": LOGIN},
    "api-1.0.0:record-check": {"POST": Cap.RECORD_CHECK},
}
