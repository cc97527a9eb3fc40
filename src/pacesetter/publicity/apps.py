from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "pacesetter.publicity"
    label = "publicity"
    verbose_name = "宣传（信息报送、宣传稿件、全文检索）"

    def ready(self):
        # The honour-roll entry (/h/c/<no>/) shows the 典型 registered from it (and, to drafters, the way to register one); honours cannot import publicity.
        from pacesetter.honours import public_views

        from . import assessment_source  # noqa: F401  (registers the assessment source)
        from .selectors import honour_page_extras

        if honour_page_extras not in public_views.HONOUR_EXTRAS:
            public_views.HONOUR_EXTRAS.append(honour_page_extras)
