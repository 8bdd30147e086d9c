"""Review and sign-off: draft → submitted → signed off, with themes returned to their officer on the way.

Every status change is recorded as an AssessmentEvent (who, when, why) and shown on the dashboard and in
the report. Scores are stored on submission and sign-off for trends and peer benchmarks.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from assessment.models import Answer, Assessment, AssessmentEvent, EvidenceItem, Theme, ThemeReview, User
from assessment.selectors import (
    AssessmentStructure,
    assessment_structure,
    returned_theme_ids,
    scoring_input_for_assessment,
)
from assessment.services.benchmarks import score_records_store
from assessment.services.permissions import Can, require
from assessment.services.report_files import reports_prepare
from assessment.services.scoring import score_assessment


class AssessmentStateError(Exception):
    """The assessment is not in a status where this can be done."""


class UnreviewedThemes(Exception):
    """Signing off would leave themes nobody has accepted: the lead must confirm that first."""

    def __init__(self, themes: list[Theme]):
        self.themes = themes
        super().__init__(f"{len(themes)} themes have not been accepted")


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("organisation").get(pk=assessment.pk)


def themes_can_be_returned(*, assessment: Assessment, structure: AssessmentStructure | None = None) -> bool:
    """Whether a lead can return themes now: while the assessment is submitted, and while it is back with its
    officers for themes already returned, so that one review can send back every theme that needs changing
    rather than one theme for each submission. A page that has read every theme's review already
    (`assessment_structure` without a detail theme) passes its structure, and nothing more is read."""
    if assessment.status == Assessment.Status.SUBMITTED:
        return True
    if assessment.status != Assessment.Status.DRAFT:
        return False
    if structure is not None:
        return bool(structure.themes_returned)
    return bool(returned_theme_ids(assessment=assessment))


def themes_can_be_accepted(*, assessment: Assessment) -> bool:
    """Only while submitted: answers can still change while the assessment is back with its officers, and
    accepting the last returned theme then would leave a draft that nobody is asked to resubmit."""
    return assessment.status == Assessment.Status.SUBMITTED


def _locked_for_review(assessment: Assessment, theme: Theme, lead: User) -> Assessment:
    """The assessment, locked, after checking that a lead may review this theme of it."""
    locked = _locked(assessment)
    require(user=lead, organisation=locked.organisation, action=Can.REVIEW)
    if theme.version_id != locked.bank_version_id:
        raise ValidationError("This theme is not part of this assessment")
    return locked


def _store_scores(assessment: Assessment) -> None:
    structure = assessment_structure(assessment=assessment, with_detail=True)
    score_records_store(
        assessment=assessment, scores=score_assessment(scoring_input_for_assessment(structure=structure))
    )


@transaction.atomic
def theme_return(*, assessment: Assessment, theme: Theme, lead: User, comment: str) -> ThemeReview:
    """Send one theme back to its officer with a comment. The assessment is open for changes again, and the lead
    can go on returning other themes meanwhile (`themes_can_be_returned`)."""
    locked = _locked_for_review(assessment, theme, lead)
    if not themes_can_be_returned(assessment=locked):
        raise AssessmentStateError(
            "Themes can only be returned while the assessment is submitted for review, or while themes already "
            "returned are being changed"
        )
    if not comment.strip():
        raise ValidationError({"comment": "Say what needs to change, so the officer knows what to do"})
    review, _ = ThemeReview.objects.update_or_create(
        assessment=locked,
        theme=theme,
        defaults={"status": ThemeReview.Status.RETURNED, "comment": comment.strip(), "reviewed_by": lead},
    )
    locked.status = Assessment.Status.DRAFT
    locked.save(update_fields=["status", "updated_at"])
    AssessmentEvent.objects.create(
        assessment=locked, kind=AssessmentEvent.Kind.THEME_RETURNED, theme=theme, actor=lead, note=comment.strip()
    )
    return review


@transaction.atomic
def theme_accept(*, assessment: Assessment, theme: Theme, lead: User) -> ThemeReview:
    locked = _locked_for_review(assessment, theme, lead)
    if not themes_can_be_accepted(assessment=locked):
        raise AssessmentStateError("Themes can only be accepted while the assessment is submitted for review")
    review, _ = ThemeReview.objects.update_or_create(
        assessment=locked,
        theme=theme,
        defaults={"status": ThemeReview.Status.ACCEPTED, "comment": "", "reviewed_by": lead},
    )
    AssessmentEvent.objects.create(assessment=locked, kind=AssessmentEvent.Kind.THEME_ACCEPTED, theme=theme, actor=lead)
    return review


def themes_not_accepted(*, assessment: Assessment) -> list[Theme]:
    """The assessment's themes that no lead has accepted, in bank order."""
    structure = assessment_structure(assessment=assessment)
    return [
        progress.theme
        for progress in structure.themes
        if (review := structure.reviews.get(progress.theme.id)) is None or review.status != ThemeReview.Status.ACCEPTED
    ]


@transaction.atomic
def assessment_sign_off(*, assessment: Assessment, lead: User, without_review: bool = False) -> Assessment:
    """Sign off a submitted assessment, which locks it. Every theme should have been accepted; signing off with
    themes nobody reviewed needs `without_review`, and the event records which themes they were."""
    locked = _locked(assessment)
    require(user=lead, organisation=locked.organisation, action=Can.SIGN_OFF)
    if locked.status != Assessment.Status.SUBMITTED:
        raise AssessmentStateError("Only a submitted assessment can be signed off")
    unreviewed = themes_not_accepted(assessment=locked)
    if unreviewed and not without_review:
        raise UnreviewedThemes(unreviewed)
    locked.status = Assessment.Status.SIGNED_OFF
    locked.signed_off_at = timezone.now()
    locked.signed_off_by = lead
    locked.save(update_fields=["status", "signed_off_at", "signed_off_by", "updated_at"])
    note = f"Signed off without reviewing: {', '.join(t.title for t in unreviewed)}" if unreviewed else ""
    AssessmentEvent.objects.create(assessment=locked, kind=AssessmentEvent.Kind.SIGNED_OFF, actor=lead, note=note)
    _store_scores(locked)
    reports_prepare(assessment=locked)
    return locked


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, lead: User, reason: str) -> Assessment:
    """Reopen a signed-off assessment for changes. The reason is required and recorded."""
    locked = _locked(assessment)
    require(user=lead, organisation=locked.organisation, action=Can.SIGN_OFF)
    if locked.status != Assessment.Status.SIGNED_OFF:
        raise AssessmentStateError("Only a signed-off assessment can be reopened")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for reopening: it is recorded with the assessment"})
    locked.status = Assessment.Status.DRAFT
    locked.save(update_fields=["status", "updated_at"])
    AssessmentEvent.objects.create(
        assessment=locked, kind=AssessmentEvent.Kind.REOPENED, actor=lead, note=reason.strip()
    )
    return locked


def on_submitted(*, assessment: Assessment, user: User) -> None:
    """After a (re)submission: returned themes are back for review, and so are accepted themes whose answers or
    evidence changed after they were accepted (officers can change any theme while the assessment is back with
    them); the event and scores are recorded."""
    in_theme = {"assessment": assessment, "question__theme_id": OuterRef("theme_id")}
    changed_since_accepted = Exists(Answer.objects.filter(**in_theme, updated_at__gt=OuterRef("updated_at"))) | Exists(
        EvidenceItem.objects.filter(
            answer__assessment=assessment,
            answer__question__theme_id=OuterRef("theme_id"),
            created_at__gt=OuterRef("updated_at"),
        )
    )
    ThemeReview.objects.filter(assessment=assessment).filter(
        Q(status=ThemeReview.Status.RETURNED) | Q(changed_since_accepted, status=ThemeReview.Status.ACCEPTED)
    ).delete()
    AssessmentEvent.objects.create(assessment=assessment, kind=AssessmentEvent.Kind.SUBMITTED, actor=user)
    _store_scores(assessment)
