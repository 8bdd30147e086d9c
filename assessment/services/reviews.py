"""Review and sign-off: draft → submitted → signed off, with themes returned to their officer on the way.

Every status change is recorded as an AssessmentEvent (who, when, why) and shown on the dashboard and in
the report. Scores are stored on submission and sign-off for trends and peer benchmarks.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessment.models import Assessment, AssessmentEvent, Theme, ThemeReview, User
from assessment.selectors import AssessmentStructure, assessment_structure, scoring_input_for_assessment
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


def review_is_open(*, assessment: Assessment, structure: AssessmentStructure | None = None) -> bool:
    """Whether a lead can accept or return themes now: while the assessment is submitted, and while it is back
    with its officers for themes already returned, so that one review can send back every theme that needs
    changing rather than one theme for each submission. A page that has read every theme's review already
    (`assessment_structure` without a detail theme) passes its structure, and nothing more is read."""
    if assessment.status == Assessment.Status.SUBMITTED:
        return True
    if assessment.status != Assessment.Status.DRAFT:
        return False
    if structure is not None:
        return bool(structure.themes_returned)
    return ThemeReview.objects.filter(assessment=assessment, status=ThemeReview.Status.RETURNED).exists()


def _locked_for_review(assessment: Assessment, theme: Theme, lead: User, doing: str) -> Assessment:
    """The assessment, locked, after checking that a lead may review this theme of it now."""
    locked = _locked(assessment)
    require(user=lead, organisation=locked.organisation, action=Can.REVIEW)
    if not review_is_open(assessment=locked):
        raise AssessmentStateError(
            f"Themes can only be {doing} while the assessment is submitted for review, or while themes already "
            "returned are being changed"
        )
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
    can go on reviewing the other themes meanwhile (`review_is_open`)."""
    locked = _locked_for_review(assessment, theme, lead, "returned")
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
    locked = _locked_for_review(assessment, theme, lead, "accepted")
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
    """After a (re)submission: returned themes are back for review, and the event and scores are recorded."""
    ThemeReview.objects.filter(assessment=assessment, status=ThemeReview.Status.RETURNED).delete()
    AssessmentEvent.objects.create(assessment=assessment, kind=AssessmentEvent.Kind.SUBMITTED, actor=user)
    _store_scores(assessment)
