"""Pages for leader reviews (领导点评) and supervision (督促检查): common."""

from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for


def _wants_xlsx(request) -> bool:
    return request.GET.get("export") == "xlsx"


def _filters(form) -> dict:
    """A list's filter form (bound to ``request.GET``): the values of its valid fields, {} when none was given."""
    form.is_valid()
    return getattr(form, "cleaned_data", {})


def _org_filter(request):
    return (
        org_get_for(request.user, request.GET["org"], cap=Cap.PROGRESS_VIEW)
        if request.GET.get("org")
        else None
    )


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""
