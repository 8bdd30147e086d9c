from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "Digital maturity assessment"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from assessment import middleware  # noqa: F401 (connects the sign-in signal)
