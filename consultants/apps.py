from django.apps import AppConfig


class ConsultantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultants"
    verbose_name = "Consultants"
