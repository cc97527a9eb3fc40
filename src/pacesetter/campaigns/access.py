"""Access rules for the campaigns app's URL names, merged into pacesetter.policy.POLICY."""

RULES: dict = {}
