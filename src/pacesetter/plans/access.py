"""Access rules for the plans app's URL names, merged into pacesetter.policy.POLICY."""

RULES: dict = {}
