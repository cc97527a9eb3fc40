"""Access rules for the records app's URL names, merged into pacesetter.policy.POLICY."""

RULES: dict = {}
