"""Who may do what in core. Core knows no organisations: whoever is a site-wide administrator is told by the
function settings.SITE_ADMIN_CHECK names (orgs.accounts.is_site_office: an office at the top of the tree)."""

from django.conf import settings
from django.utils.module_loading import import_string


def is_site_admin(user) -> bool:
    return bool(user.is_authenticated) and import_string(settings.SITE_ADMIN_CHECK)(user)


def can_manage_tasks(user) -> bool:
    """Tasks serve the whole site (their errors may name any organisation): a site-wide administrator only."""
    return is_site_admin(user)
