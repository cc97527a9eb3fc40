"""The two access rules that are not capabilities: every URL name's rule is one of these or an `orgs.enums.Cap`.

PUBLIC: anyone, signed in or not. LOGIN: any signed-in user (the view then checks object by object).
Declared here once, below every app, so that each app's `access.py` and `pacesetter.policy` name the same objects.
"""

PUBLIC = "public"
LOGIN = "login"
