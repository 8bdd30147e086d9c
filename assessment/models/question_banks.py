"""Question banks and their versions.

A bank (for example "Council digital maturity") has numbered versions. A published version never changes:
assessments point at the version they were answered against, so what a score meant stays fixed.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .levels import MaturityLevel
from .organisations import Organisation

SHORT_TITLE_MAX_LENGTH = 20  # fits a chart label without truncation


class QuestionBank(models.Model):
    key = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class BankVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["bank__title", "-number"]
        permissions = [("publish_bankversion", "Can publish and retire question bank versions")]
        constraints = [
            models.UniqueConstraint(fields=["bank", "number"], name="bankversion_unique_number"),
            models.UniqueConstraint(
                fields=["bank"],
                condition=models.Q(status="published"),
                name="bankversion_one_published_per_bank",
            ),
            models.UniqueConstraint(
                fields=["bank"],
                condition=models.Q(status="draft"),
                name="bankversion_one_draft_per_bank",
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="bankversion_number_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "retired"]),
                name="bankversion_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="bankversion_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank.title}, version {self.number} ({self.get_status_display().lower()})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Theme(models.Model):
    version = models.ForeignKey(BankVersion, on_delete=models.CASCADE, related_name="themes")
    key = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    short_title = models.CharField(
        max_length=SHORT_TITLE_MAX_LENGTH, help_text="A short name for chart labels, for example “Cyber security”."
    )
    description = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=1)
    default_target = models.PositiveSmallIntegerField(
        choices=MaturityLevel.choices,
        default=MaturityLevel.DEFINED,
        help_text="The level the bank's editors expect a council to aim for; a council's lead may set another.",
    )
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="theme_unique_key_per_version"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="theme_weight_positive"),
            models.CheckConstraint(
                condition=models.Q(default_target__gte=1, default_target__lte=5), name="theme_default_target_1_to_5"
            ),
            models.CheckConstraint(condition=~models.Q(short_title=""), name="theme_short_title_required"),
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Pillar(models.TextChoices):
        RESET = "reset", "Reset"
        RENEW = "renew", "Renew"
        REFORM = "reform", "Reform"
        RESILIENT = "resilient", "Resilient"

    version = models.ForeignKey(BankVersion, on_delete=models.CASCADE, related_name="questions")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=100)
    text = models.TextField()
    guidance = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=1)
    applies_to = models.JSONField(
        default=list, help_text='Council types this question applies to, for example ["county", "unitary"].'
    )
    allows_not_applicable = models.BooleanField(default=False)
    critical = models.BooleanField(
        default=False,
        help_text="A baseline control (backups, incident response, multi-factor authentication…): an answer at "
        "level 1 or 2 is a critical alert, ranked first in the action plan.",
    )
    pillars = models.JSONField(default=list, blank=True)
    frameworks = models.JSONField(default=list, blank=True)
    replaces = models.JSONField(
        default=list,
        blank=True,
        help_text='Keys of questions in earlier versions that this one replaces or absorbs, for example ["devices"].',
    )
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["theme__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_unique_key_per_version"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="question_weight_positive"),
        ]
        indexes = [models.Index(fields=["theme", "position"], name="question_theme_position")]

    def __str__(self) -> str:
        return self.key

    def applies_to_council_type(self, council_type: str) -> bool:
        return council_type in self.applies_to


class LevelDescriptor(models.Model):
    """What a visitor would see at one of the five maturity levels for one question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(choices=MaturityLevel.choices)
    descriptor = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "level"]
        constraints = [
            models.UniqueConstraint(fields=["question", "level"], name="leveldescriptor_unique_level"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="leveldescriptor_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"Level {self.level}"


class Recommendation(models.Model):
    """The next step for a council answering a question at a given level."""

    class Effort(models.TextChoices):
        QUICK_WIN = "quick_win", "Quick win"
        MEDIUM = "medium", "Medium"
        MAJOR = "major", "Major"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="recommendations")
    level = models.PositiveSmallIntegerField(choices=MaturityLevel.choices)
    text = models.TextField()
    effort = models.CharField(max_length=16, choices=Effort.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "level"]
        constraints = [
            models.UniqueConstraint(fields=["question", "level"], name="recommendation_unique_level"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="recommendation_level_1_to_5"),
            models.CheckConstraint(
                condition=models.Q(effort__in=["quick_win", "medium", "major"]),
                name="recommendation_effort_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Level {self.level}: {self.text[:60]}"


class Source(models.Model):
    """The publication a question derives from, with a short exact quote."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    quote = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher}, {self.year})"


COUNCIL_TYPE_VALUES = [c.value for c in Organisation.CouncilType]
