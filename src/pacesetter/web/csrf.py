"""The page shown when Django's CSRF check refuses a form (settings.CSRF_FAILURE_VIEW)."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """Plain words and a way back instead of Django's bare 403: usually the page was open too long.

    `reason` is technical ("CSRF token missing.") and is already logged by Django, so it is not shown.
    """
    return render(request, "web/csrf_failure.html", status=403)
