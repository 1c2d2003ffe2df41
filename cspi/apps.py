from django.apps import AppConfig


class CspiConfig(AppConfig):
    name = "cspi"
    verbose_name = "CSPI Benchmark"
