"""Access rules of the follow pages: all public (the person is their phone or e-mail address)."""

from pacesetter.core.access import PUBLIC

RULES: dict[str, str | dict[str, str]] = {
    "follows:org": PUBLIC,
    "follows:org-code": PUBLIC,
    "follows:commitment": PUBLIC,
    "follows:commitment-code": PUBLIC,
    "follows:confirm": PUBLIC,
    "follows:unsubscribe": PUBLIC,
    "api-1.0.0:follow-create": PUBLIC,
    "api-1.0.0:follow-code": PUBLIC,
    "api-1.0.0:follow-unsubscribe": PUBLIC,
}
