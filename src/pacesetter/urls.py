from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog, set_language

from pacesetter.api.urls import api
from pacesetter.core.csrf import csrf_token_checked
from pacesetter.web import account_views

urlpatterns = [
    # First: the public ballot endpoint is the busiest URL, and Django tries patterns in order.
    path("api/", api.urls),
    path("", include("pacesetter.web.urls")),
    path("", include("pacesetter.orgs.urls")),
    path("inbox/", include("pacesetter.notifications.urls")),
    path("campaigns/", include("pacesetter.campaigns.urls")),
    path("plans/", include("pacesetter.plans.urls")),
    path("actions/", include("pacesetter.actions.urls")),
    path("records/", include("pacesetter.records.urls")),
    path("commitments/", include("pacesetter.commitments.urls")),
    path("wall/", include("pacesetter.commitments.public_urls")),
    path("evaluations/", include("pacesetter.evaluations.urls")),
    path("e/", include("pacesetter.evaluations.public_urls")),
    path("supervision/", include("pacesetter.supervision.urls")),
    path("mentoring/", include("pacesetter.members.urls")),
    path("complaints/", include("pacesetter.complaints.urls")),
    path("assessment/", include("pacesetter.assessment.urls")),
    path("r/", include("pacesetter.complaints.public_urls")),
    path("points/", include("pacesetter.points.urls")),
    path("publicity/", include("pacesetter.publicity.urls")),
    path("news/", include("pacesetter.publicity.public_urls")),
    path("honours/", include("pacesetter.honours.urls")),
    path("h/", include("pacesetter.honours.public_urls")),
    path("consult/", include("pacesetter.plans.public_urls")),
    path("f/", include("pacesetter.follows.urls")),
    path("massorgs/", include("pacesetter.massorgs.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/otp/setup/", account_views.otp_setup, name="otp-setup"),
    path("accounts/otp/verify/", account_views.otp_verify, name="otp-verify"),
    # Also posted from the /e/ pages, which send no Referer: checked by its token (core.csrf).
    path("i18n/setlang/", csrf_token_checked(set_language), name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Browsers ask for /favicon.ico whatever the pages link to.
    # Lazy: the hashed name is known only once collectstatic has run, and collectstatic imports this module.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True),
        name="favicon",
    ),
]

handler403 = "pacesetter.web.views.forbidden"
handler404 = "pacesetter.web.views.not_found"
