"""Working on an assessment together: theme assignments and evidence items."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlparse, urlunparse

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessment.models import Answer, Assessment, EvidenceItem, Membership, Question, Theme, ThemeAssignment, User
from assessment.services.assessments import AnswerChange, AssessmentLocked, answers_save
from assessment.services.permissions import Can, require

EVIDENCE_LINK_MAX_LENGTH = EvidenceItem._meta.get_field("link").max_length or 1000
ASSIGNEE_NOT_A_MEMBER = "Choose someone from your council"


@transaction.atomic
def theme_assign(
    *, assessment: Assessment, theme: Theme, assignee: User | None, due_date: datetime.date | None, lead: User
) -> ThemeAssignment | None:
    """Assign a theme to an officer of the council (or, with no assignee, unassign it). Leads only."""
    require(user=lead, organisation=assessment.organisation, action=Can.ASSIGN_THEMES)
    if theme.version_id != assessment.bank_version_id:
        raise ValidationError("This theme is not part of this assessment")
    if assignee is None:
        if due_date is not None:
            raise ValidationError({"due_date": "Choose who to assign it to, or clear its due date"})
        ThemeAssignment.objects.filter(assessment=assessment, theme=theme).delete()
        return None
    if not Membership.objects.filter(user=assignee, organisation=assessment.organisation).exists():
        raise ValidationError({"assignee": ASSIGNEE_NOT_A_MEMBER})
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date must be today or in the future"})
    assignment, _ = ThemeAssignment.objects.update_or_create(
        assessment=assessment,
        theme=theme,
        defaults={"assignee": assignee, "due_date": due_date, "assigned_by": lead},
    )
    return assignment


@dataclass(frozen=True)
class ThemeAssignmentChange:
    theme: Theme
    assignee: User | None
    due_date: datetime.date | None


@transaction.atomic
def theme_assignments_set(*, assessment: Assessment, lead: User, changes: list[ThemeAssignmentChange]) -> None:
    """Assign (or unassign) several themes at once: all of them, or on any problem none of them."""
    for change in changes:
        try:
            theme_assign(
                assessment=assessment, theme=change.theme, assignee=change.assignee, due_date=change.due_date, lead=lead
            )
        except ValidationError as error:
            # Keyed by theme, so the page can put the message beside the right theme.
            raise ValidationError({change.theme.key: f"{change.theme.title}: {' '.join(error.messages)}"}) from error


def evidence_link_clean(link: str) -> str:
    """Only ordinary web links: no javascript:, data: or file: addresses that could run or leak anything. The
    scheme is stored in lower case ("HTTP://…" becomes "http://…"), as the database constraint expects on
    PostgreSQL, where its comparison is case-sensitive."""
    link = link.strip()
    if not link:
        return ""
    parsed = urlparse(link)
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
        raise ValidationError({"link": "Enter a web address starting with http:// or https://"})
    if len(link) > EVIDENCE_LINK_MAX_LENGTH:
        raise ValidationError({"link": f"The web address must be {EVIDENCE_LINK_MAX_LENGTH:,} characters or fewer"})
    return urlunparse(parsed._replace(scheme=parsed.scheme.lower()))


@transaction.atomic
def evidence_item_add(
    *, assessment: Assessment, question: Question, user: User, description: str, link: str, owner: str,
    dated: datetime.date,
) -> EvidenceItem:  # fmt: skip
    """Add an evidence item to a question's answer, creating an unanswered answer if there is none yet."""
    require(user=user, organisation=assessment.organisation, action=Can.ANSWER)
    if not assessment.is_editable:
        raise AssessmentLocked()
    link = evidence_link_clean(link)
    if not description.strip():
        raise ValidationError({"description": "Describe the evidence"})
    if not owner.strip():
        raise ValidationError({"owner": "Enter who owns this evidence"})
    if dated > timezone.localdate():  # evidence is something that exists: a promise is not evidence
        raise ValidationError({"dated": "The date of the evidence must be today or in the past"})
    answer = Answer.objects.select_for_update().filter(assessment=assessment, question=question).first()
    if answer is None:
        (answer,) = answers_save(
            assessment=assessment,
            user=user,
            changes=[AnswerChange(question=question, level=None, not_applicable=False, evidence="")],
        )
    fields = {"description": description.strip(), "link": link, "owner": owner.strip(), "dated": dated}
    # The same item sent twice (the button pressed twice, or the page sent again) is listed once.
    if (same := EvidenceItem.objects.filter(answer=answer, **fields).first()) is not None:
        return same
    item = EvidenceItem.objects.create(answer=answer, added_by=user, **fields)
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())
    return item


@transaction.atomic
def evidence_item_remove(*, item: EvidenceItem, user: User) -> None:
    assessment = item.answer.assessment
    require(user=user, organisation=assessment.organisation, action=Can.ANSWER)
    if not assessment.is_editable:
        raise AssessmentLocked()
    item.delete()
    now = timezone.now()
    # The answer counts as changed: a theme the lead accepted before this goes back for review on resubmission.
    Answer.objects.filter(pk=item.answer_id).update(updated_at=now)
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=now)
