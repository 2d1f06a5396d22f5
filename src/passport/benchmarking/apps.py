from django.apps import AppConfig


class BenchmarkingConfig(AppConfig):
    name = "passport.benchmarking"
    label = "benchmarking"
    verbose_name = "National-scale benchmarks"
