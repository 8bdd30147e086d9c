from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from simple_history.models import HistoricalRecords

from .levels import MaturityLevel
from .organisations import Organisation
from .question_banks import BankVersion, Question

EVIDENCE_MAX_LENGTH = 5000


class Assessment(models.Model):
    """One council's self-assessment for one period, answered against one bank version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"
        SIGNED_OFF = "signed_off", "Signed off"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="assessments")
    bank_version = models.ForeignKey(BankVersion, on_delete=models.PROTECT, related_name="assessments")
    period = models.CharField(max_length=7, help_text="Financial year, for example 2026/27.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_cycles",
        help_text="The assessment this one was started from.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period", "-created_at"]
        constraints = [
            # One assessment a year for each council, whatever the bank version: two for one year would leave
            # its trends, benchmarks and dashboard to guess which one is the council's.
            models.UniqueConstraint(fields=["organisation", "period"], name="assessment_one_per_council_period"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "submitted", "signed_off"]), name="assessment_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="signed_off") | models.Q(signed_off_at__isnull=False),
                name="assessment_signed_off_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="submitted") | models.Q(submitted_at__isnull=False),
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
    level = models.PositiveSmallIntegerField(choices=MaturityLevel.choices, null=True, blank=True)
    is_not_applicable = models.BooleanField(default=False)
    evidence = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    answered_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    carried_forward = models.BooleanField(
        default=False, help_text="Copied from the previous assessment and not yet confirmed or changed."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

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
    theme = models.ForeignKey("assessment.Theme", on_delete=models.PROTECT, related_name="council_targets")
    level = models.PositiveSmallIntegerField(choices=MaturityLevel.choices)
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


class QuestionTarget(models.Model):
    """The level a council's lead wants one question to reach, overriding its theme's target."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="question_targets")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=MaturityLevel.choices)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="questiontarget_unique_per_question"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="questiontarget_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.question.key} → {self.level}"


class ThemeAssignment(models.Model):
    """Which officer answers a theme, and by when. Anyone in the council can still view every theme."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assignments")
    theme = models.ForeignKey("assessment.Theme", on_delete=models.PROTECT, related_name="council_assignments")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    due_date = models.DateField(null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "theme"], name="themeassignment_unique_per_theme"),
        ]
        indexes = [models.Index(fields=["assignee", "due_date"], name="assignment_assignee_due")]

    def __str__(self) -> str:
        return f"{self.theme.title} assigned to {self.assignee}"


class ThemeReview(models.Model):
    """The lead's review of one theme: accepted, or returned to its officer with a comment."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned for changes"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reviews")
    theme = models.ForeignKey("assessment.Theme", on_delete=models.PROTECT, related_name="council_reviews")
    status = models.CharField(max_length=16, choices=Status.choices)
    comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "theme"], name="themereview_unique_per_theme"),
            models.CheckConstraint(
                condition=models.Q(status__in=["accepted", "returned"]), name="themereview_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="returned") | ~models.Q(comment=""), name="themereview_returned_has_comment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.theme.title}: {self.get_status_display()}"


class AssessmentEvent(models.Model):
    """A change of an assessment's status, with who did it and why: shown on the dashboard and in the report."""

    class Kind(models.TextChoices):
        STARTED = "started", "Started"
        SUBMITTED = "submitted", "Submitted"
        THEME_RETURNED = "theme_returned", "Theme returned for changes"
        THEME_RESUBMITTED = "theme_resubmitted", "Theme resubmitted"
        THEME_ACCEPTED = "theme_accepted", "Theme accepted"
        SIGNED_OFF = "signed_off", "Signed off"
        REOPENED = "reopened", "Reopened"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # For a theme's review thread: returned with a comment, resubmitted with the officer's reply, accepted.
    theme = models.ForeignKey("assessment.Theme", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="reopened") | ~models.Q(note=""), name="assessmentevent_reopen_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class EvidenceItem(models.Model):
    """A piece of evidence behind an answer: what it is, where it is, who owns it and when it dates from."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence_items")
    description = models.CharField(max_length=500)
    link = models.URLField(max_length=1000, blank=True)
    owner = models.CharField(max_length=200)
    dated = models.DateField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dated", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(link="")
                | models.Q(link__startswith="http://")
                | models.Q(link__startswith="https://"),
                name="evidenceitem_link_http_only",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Action(models.Model):
    """A recommendation from the action plan taken on as work, with an owner, a due date and a status."""

    class Status(models.TextChoices):
        OPEN = "open", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    question_key = models.SlugField(max_length=100, blank=True)
    text = models.TextField()
    owner = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    carried_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "in_progress", "done"]), name="action_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ThemeScoreRecord(models.Model):
    """A theme's score stored when an assessment is submitted or signed off, so trends and peer benchmarks read
    stored figures instead of rescoring every assessment on every page view."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="score_records")
    theme_key = models.SlugField(max_length=100)  # "" for the overall score
    theme_title = models.CharField(max_length=200)
    score = models.FloatField(null=True)
    answered = models.PositiveIntegerField()
    applicable = models.PositiveIntegerField()
    # A fingerprint of the questions that applied to the council (by its type), so benchmarks compare a council
    # only with councils asked the same set of questions.
    question_set = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "theme_key"], name="themescorerecord_unique"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="themescorerecord_score_range",
            ),
        ]
        indexes = [models.Index(fields=["theme_key", "assessment"], name="scorerecord_theme")]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.theme_title} {self.score}"
