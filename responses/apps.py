from django.apps import AppConfig
from django.urls import register_converter


class ResponsesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "responses"
    verbose_name = "Question banks and responses"

    def ready(self) -> None:
        from responses.url_tokens import TokenConverter

        register_converter(TokenConverter, "token")
