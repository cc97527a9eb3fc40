from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "pacesetter.publicity"
    label = "publicity"
    verbose_name = "宣传（信息报送、宣传稿件、全文检索）"
