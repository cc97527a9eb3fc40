from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "pacesetter.publicity"
    label = "publicity"
    verbose_name = "宣传（信息报送、宣传稿件、全文检索）"

    def ready(self):
        # The honour-roll entry (/h/c/<no>/) shows the 典型 registered from it; honours cannot import publicity.
        from pacesetter.honours import public_views

        from .selectors import honour_story

        if honour_story not in public_views.HONOUR_EXTRAS:
            public_views.HONOUR_EXTRAS.append(honour_story)
