"""Writes for assessments and answers. Each function validates before it saves."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from assessment.models import (
    EVIDENCE_MAX_LENGTH,
    LEVELS,
    Answer,
    Assessment,
    AssessmentEvent,
    BankVersion,
    Membership,
    Organisation,
    Question,
    QuestionTarget,
    Theme,
    ThemeReview,
    ThemeTarget,
    User,
)
from assessment.selectors import ThemeProgress, assessment_structure
from assessment.services.periods import period_is_valid
from assessment.services.permissions import Can, require, require_role
from assessment.services.report_files import reports_prepare
from assessment.services.reviews import on_submitted


class AssessmentLocked(Exception):
    """The assessment has been submitted, so its answers can no longer change."""


class AnswerConflict(Exception):
    """Someone else saved this answer after the person saving started from it."""

    def __init__(self, current: Answer):
        self.current = current
        super().__init__(f"Answer to {current.question.key} was changed by someone else")


class AssessmentIncomplete(Exception):
    """Some questions are unanswered, or answers carried forward from last time are not yet confirmed."""

    def __init__(self, *, unanswered: list[ThemeProgress], to_confirm: list[ThemeProgress]):
        self.unanswered = unanswered  # themes with unanswered questions
        self.to_confirm = to_confirm  # themes with carried-forward answers nobody has confirmed or changed
        super().__init__(
            f"{sum(t.total - t.answered for t in unanswered)} questions are unanswered and "
            f"{sum(t.to_confirm for t in to_confirm)} carried-forward answers are not confirmed"
        )


class ReturnedThemesUnseen(Exception):
    """The lead returned a theme after the officer opened the page they are submitting from: submitting now would
    send it back unseen, with the lead's comment unread."""

    def __init__(self, themes: list[Theme]):
        self.themes = themes
        super().__init__(f"{len(themes)} returned themes were not shown: {', '.join(t.title for t in themes)}")


@dataclass(frozen=True)
class AnswerChange:
    """What a person submitted for one question. `level` is None for "not answered yet"."""

    question: Question
    level: int | None
    not_applicable: bool
    evidence: str
    expected_version: int | None = None  # the answer version the person started from; None skips the check


@transaction.atomic
def assessment_start(*, user: User, organisation: Organisation, period: str, bank_version: BankVersion) -> Assessment:
    require(user=user, organisation=organisation, action=Can.ANSWER)
    if not period_is_valid(period):
        raise ValidationError({"period": "Enter a financial year in the form 2026/27"})
    if bank_version.status != BankVersion.Status.PUBLISHED:
        raise ValidationError({"bank_version": "New assessments can only use a published question bank"})
    if Assessment.objects.filter(organisation=organisation, period=period).exists():
        raise ValidationError(
            {"period": f"{organisation.name} already has an assessment for {period}. Open it from your dashboard."}
        )
    try:
        with transaction.atomic():
            return Assessment.objects.create(
                organisation=organisation, bank_version=bank_version, period=period, created_by=user
            )
    except IntegrityError as error:  # a colleague started the same one a moment ago
        raise ValidationError(
            {"period": f"{organisation.name} already has an assessment for {period}. Open it from your dashboard."}
        ) from error


def _validate_change(assessment: Assessment, change: AnswerChange) -> None:
    question = change.question
    if question.version_id != assessment.bank_version_id or not question.applies_to_council_type(
        assessment.organisation.council_type
    ):
        raise ValidationError("This question is not part of this assessment")
    if change.level is not None and change.level not in (1, 2, 3, 4, 5):
        raise ValidationError("Choose a level from 1 to 5")
    if change.not_applicable and not question.allows_not_applicable:
        raise ValidationError("This question cannot be answered “Not applicable”")
    if change.not_applicable and change.level is not None:
        raise ValidationError("Choose a level or “Not applicable”, not both")
    if len(change.evidence) > EVIDENCE_MAX_LENGTH:
        raise ValidationError(f"Notes must be {EVIDENCE_MAX_LENGTH:,} characters or fewer")


def _lock_for_answering(*, assessment: Assessment, user: User) -> None:
    """Lock the assessment so that it cannot be submitted, signed off or reopened while answers are being saved,
    without making saves of different answers wait for each other; then check, from the locked row, that it is
    still open for answers and that this person may answer. One query.

    On PostgreSQL the lock is a shared row lock (FOR SHARE): any number of saves hold it at once, and a status
    change, which locks the row FOR UPDATE, waits for them (and they for it). SQLite serialises writes anyway."""
    assessments = connection.ops.quote_name(Assessment._meta.db_table)
    memberships = connection.ops.quote_name(Membership._meta.db_table)
    lock = " FOR SHARE OF a" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.status, m.role FROM {assessments} a LEFT JOIN {memberships} m "  # noqa: S608 (table names)
            f"ON m.organisation_id = a.organisation_id AND m.user_id = %s WHERE a.id = %s{lock}",
            [user.pk, assessment.pk],
        )
        status, role = cursor.fetchone() or (None, None)
    require_role(role=role, action=Can.ANSWER)
    if status != Assessment.Status.DRAFT:
        raise AssessmentLocked()


@transaction.atomic
def answers_save(
    *, assessment: Assessment, user: User, changes: list[AnswerChange], confirm_carried_forward: bool = True
) -> list[Answer]:
    """Save several answers at once: all of them, or (on any problem) none of them.

    An answer carried forward from last time is confirmed when it is changed, or, unchanged, only when
    `confirm_carried_forward` says the person has checked it (the theme page's "confirm" button, or an autosave
    of that one question); saving a whole theme for later leaves unchanged ones still to confirm.

    Only the answers being changed are locked (select_for_update; a no-op on SQLite, whose writes are
    serialised anyway), so two saves of the same answer cannot both pass the version check while saves of
    different answers go ahead side by side. Two first saves of the same question meet at the unique
    constraint, and the second is told of the first as a conflict.
    """
    _lock_for_answering(assessment=assessment, user=user)
    for change in changes:
        _validate_change(assessment, change)
    existing = {
        a.question_id: a
        for a in Answer.objects.select_for_update().filter(
            assessment=assessment, question__in=[c.question for c in changes]
        )
    }
    now = timezone.now()
    saved = []
    for change in changes:
        answer = existing.get(change.question.id)
        if answer is None:
            if change.expected_version not in (None, 0):
                # The person started from an answer that has since been deleted: treat as a conflict-free save.
                pass
            answer = Answer(assessment=assessment, question=change.question, version=0)
        elif change.expected_version is not None and change.expected_version != answer.version:
            raise AnswerConflict(answer)
        unchanged = (
            answer.pk is not None
            and answer.level == change.level
            and answer.is_not_applicable == change.not_applicable
            and answer.evidence == change.evidence
        )
        if unchanged and not (answer.carried_forward and confirm_carried_forward):
            saved.append(answer)
            continue
        answer.level = change.level
        answer.is_not_applicable = change.not_applicable
        answer.evidence = change.evidence
        answer.answered_by = user
        answer.answered_at = now
        answer.carried_forward = False  # confirmed or changed by a person
        answer.version += 1
        if answer.pk is None:
            try:
                with transaction.atomic():
                    answer.save()
            except IntegrityError:  # a colleague's first answer to this question was saved a moment ago
                raise AnswerConflict(Answer.objects.get(assessment=assessment, question=change.question)) from None
        else:
            answer.save()
        saved.append(answer)
    # The assessment row is not touched, so saves never queue behind each other on it; the report cache key
    # reads the latest answer time instead of the assessment's `updated_at`.
    return saved


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user: User, replies: dict[int, str] | None = None) -> Assessment:
    """Submit an assessment once every applicable question has a level or "Not applicable" and every answer
    carried forward from last time has been confirmed or changed. Counted here, inside the transaction that
    holds the row lock, so nothing a caller passes in can let an incomplete assessment through.

    `replies` ({theme id: text}) holds the officer's answer to the lead's comment on each returned theme they
    were shown (empty for no answer); it is recorded in the theme's review thread. A returned theme without one
    was returned after the page was opened, and the submission is refused (`ReturnedThemesUnseen`)."""
    locked = Assessment.objects.select_for_update().select_related("organisation").get(pk=assessment.pk)
    require(user=user, organisation=locked.organisation, action=Can.ANSWER)
    if not locked.is_editable:
        raise AssessmentLocked()
    structure = assessment_structure(assessment=locked)
    if not structure.is_complete:
        raise AssessmentIncomplete(
            unanswered=[t for t in structure.themes if t.answered < t.total], to_confirm=structure.themes_to_confirm
        )
    replies = replies or {}
    returned = list(
        ThemeReview.objects.filter(assessment=locked, status=ThemeReview.Status.RETURNED).select_related("theme")
    )
    if unseen := [review.theme for review in returned if review.theme_id not in replies]:
        raise ReturnedThemesUnseen(unseen)
    for review in returned:
        AssessmentEvent.objects.create(
            assessment=locked,
            kind=AssessmentEvent.Kind.THEME_RESUBMITTED,
            theme=review.theme,
            actor=user,
            note=replies[review.theme_id].strip(),
        )
    locked.status = Assessment.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = user
    locked.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    on_submitted(assessment=locked, user=user)
    reports_prepare(assessment=locked)
    return locked


def _targets_set(
    *, assessment: Assessment, user: User, levels: dict, model: type[ThemeTarget] | type[QuestionTarget], field: str
) -> None:
    """Set, or with None clear, the lead's target for each theme or question in `levels`."""
    require(user=user, organisation=assessment.organisation, action=Can.SET_TARGETS)
    for obj, level in levels.items():
        if obj.version_id != assessment.bank_version_id:
            raise ValidationError(f"This {field} is not part of this assessment")
        if level is None:
            model.objects.filter(assessment=assessment, **{field: obj}).delete()
        elif level not in LEVELS:
            raise ValidationError("Choose a target level from 1 to 5")
        else:
            model.objects.update_or_create(
                assessment=assessment, **{field: obj}, defaults={"level": level, "set_by": user}
            )
    # The report cache is keyed on this timestamp, so a new target means a fresh report.
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())


@transaction.atomic
def theme_targets_set(*, assessment: Assessment, user: User, levels: dict[Theme, int | None]) -> None:
    """Set (or, with None, clear back to the bank's default) the target level of each theme. Leads only."""
    _targets_set(assessment=assessment, user=user, levels=levels, model=ThemeTarget, field="theme")


@transaction.atomic
def question_targets_set(*, assessment: Assessment, user: User, levels: dict[Question, int | None]) -> None:
    """Set (or, with None, clear back to the theme's target) the target level of single questions. Leads only."""
    _targets_set(assessment=assessment, user=user, levels=levels, model=QuestionTarget, field="question")
