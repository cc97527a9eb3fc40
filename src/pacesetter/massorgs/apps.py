from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MassorgsConfig(AppConfig):
    name = "pacesetter.massorgs"
    verbose_name = _("群团组织")
    default_auto_field = "django.db.models.BigAutoField"
