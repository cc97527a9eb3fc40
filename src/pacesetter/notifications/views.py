"""The in-app inbox."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pacesetter.core.paging import paginate

from .selectors import notification_list_for
from .services import notification_mark_read


def inbox(request):
    return render(
        request, "notifications/inbox.html", {"page": paginate(request, notification_list_for(request.user))}
    )


@require_POST
def mark_read(request):
    pk = request.POST.get("id")
    notification_mark_read(user=request.user, notification_id=int(pk) if pk and pk.isdigit() else None)
    return redirect("notifications:inbox")
