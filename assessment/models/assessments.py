from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from simple_history.models import HistoricalRecords

from .organisations import Organisation
from .question_banks import BankVersion, Question

EVIDENCE_MAX_LENGTH = 5000


class Assessment(models.Model):
    """One council's self-assessment for one period, answered against one bank version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="assessments")
    bank_version = models.ForeignKey(BankVersion, on_delete=models.PROTECT, related_name="assessments")
    period = models.CharField(max_length=7, help_text="Financial year, for example 2026/27.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "bank_version", "period"], name="assessment_unique_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "submitted"]), name="assessment_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="assessment_submitted_has_date",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "-period"], name="assessment_org_period")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.period}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Answer(models.Model):
    """An answer to one question: a level from 1 to 5, or not applicable, with evidence notes.

    `version` goes up by one on every save, so a save that started from an older version can be refused
    instead of silently overwriting a colleague's work.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    is_not_applicable = models.BooleanField(default=False)
    evidence = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    answered_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["question__theme__position", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="answer_unique_per_question"),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__gte=1, level__lte=5),
                name="answer_level_1_to_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(is_not_applicable=True, level__isnull=False),
                name="answer_level_or_not_applicable",
            ),
            models.CheckConstraint(
                condition=models.lookups.LessThanOrEqual(Length("evidence"), EVIDENCE_MAX_LENGTH),
                name="answer_evidence_max_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.question.key}"

    @property
    def is_answered(self) -> bool:
        return self.is_not_applicable or self.level is not None


class ThemeTarget(models.Model):
    """The level a council's lead wants a theme to reach. Without one, the default target applies."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="targets")
    theme = models.ForeignKey("assessment.Theme", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "theme"], name="themetarget_unique_per_theme"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="themetarget_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.theme.key} → {self.level}"
