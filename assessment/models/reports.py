from django.db import models


class ReportVariant(models.TextChoices):
    SUMMARY = "summary", "Report"
    EVIDENCE = "evidence", "Report with the evidence annex"


class ReportStatus(models.TextChoices):
    PREPARING = "preparing", "Preparing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ReportFile(models.Model):
    """An assessment's PDF report, rendered in the background and kept in the database, which every app server
    shares. One row per assessment and variant: `fingerprint` says which state of the assessment it shows, and a
    new state replaces it."""

    Variant = ReportVariant
    Status = ReportStatus

    assessment = models.ForeignKey("assessment.Assessment", on_delete=models.CASCADE, related_name="report_files")
    variant = models.CharField(max_length=16, choices=ReportVariant.choices)
    fingerprint = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.PREPARING)
    pdf = models.BinaryField(null=True, blank=True)
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "variant"], name="reportfile_unique_variant"),
            models.CheckConstraint(
                condition=models.Q(variant__in=ReportVariant.values), name="reportfile_variant_valid"
            ),
            models.CheckConstraint(condition=models.Q(status__in=ReportStatus.values), name="reportfile_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=ReportStatus.READY) | models.Q(pdf__isnull=False),
                name="reportfile_ready_has_pdf",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_variant_display()} for assessment {self.assessment_id} ({self.status})"
