from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "pacesetter.members"
    label = "members"
    verbose_name = "党员结对帮带、联系户与未参与提醒"
    default_auto_field = "django.db.models.BigAutoField"
