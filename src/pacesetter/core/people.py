"""How a user is named in the records a write leaves behind (audit entries, events, notes).

>>> actor_name(None)
'系统'
"""

SYSTEM = "系统"  # who did it when no one signed in did: a sweep, a command, a task


def display_name(user) -> str:
    """A user's full name, or their username where they gave none."""
    return user.get_full_name() or user.get_username()


def acting_user(actor):
    """The user to store as the actor of a row: None for no one or an anonymous visitor."""
    return actor if actor is not None and actor.is_authenticated else None


def actor_name(actor, *, nobody: str = SYSTEM) -> str:
    """The name to store beside the actor (kept when the account goes): ``nobody`` for no one signed in."""
    user = acting_user(actor)
    return display_name(user) if user is not None else nobody
