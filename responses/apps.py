from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "responses"
    verbose_name = _("Question banks and responses")

    def ready(self) -> None:
        from responses.url_tokens import TokenConverter

        register_converter(TokenConverter, "token")
