"""The yearly cycle: starting next year's assessment from this year's, and the action plan as living work."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessment.models import (
    Action,
    Answer,
    Assessment,
    AssessmentEvent,
    BankVersion,
    EvidenceItem,
    Question,
    User,
)
from assessment.services.periods import period_is_valid
from assessment.services.permissions import Can, require


def _predecessor_keys(question: Question, replaces_by_key: dict[str, list[str]]) -> list[str]:
    """The question's own key, then each key it replaces, and theirs in turn (breadth first, back through older
    versions), in the order the bank lists them. A merged question lists every question it absorbs."""
    keys = [question.key]
    queue = list(question.replaces)
    while queue:
        key = queue.pop(0)
        if key in keys:
            continue
        keys.append(key)
        queue.extend(replaces_by_key.get(key, []))
    return keys


@transaction.atomic
def assessment_start_next_cycle(*, previous: Assessment, user: User, period: str) -> Assessment:
    """Start a new assessment on the bank's current published version, pre-filled from `previous` by question
    key, following `replaces` links across versions: a question that absorbed several earlier ones takes the
    answer of the first of them (its own key first, then in the order it lists them) that was answered. Copied
    answers are marked "carried forward" until a person confirms or changes them; open actions carry over too."""
    require(user=user, organisation=previous.organisation, action=Can.START_NEXT_CYCLE)
    previous = Assessment.objects.select_related("organisation", "bank_version").get(pk=previous.pk)  # as it is now
    if previous.status == Assessment.Status.DRAFT:
        raise ValidationError("Submit this assessment before starting the next one from it")
    if not period_is_valid(period):
        raise ValidationError({"period": "Enter a financial year in the form 2027/28"})
    if period <= previous.period:
        raise ValidationError({"period": f"The new period must be after {previous.period}"})
    version = BankVersion.objects.filter(
        bank_id=previous.bank_version.bank_id, status=BankVersion.Status.PUBLISHED
    ).first()
    if version is None:
        raise ValidationError("No version of this question bank is published, so a new assessment cannot start")
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                organisation=previous.organisation,
                bank_version=version,
                period=period,
                created_by=user,
                previous=previous,
            )
    except IntegrityError as error:
        raise ValidationError({"period": f"There is already an assessment for {period}"}) from error

    old_answers = {
        a.question.key: a
        for a in Answer.objects.filter(assessment=previous)
        .select_related("question")
        .prefetch_related("evidence_items")
    }
    replaces_by_key: dict[str, list[str]] = {}
    for key, replaces in Question.objects.filter(version__bank_id=version.bank_id).values_list("key", "replaces"):
        replaces_by_key.setdefault(key, []).extend(k for k in replaces if k not in replaces_by_key.get(key, []))
    now = timezone.now()
    copied: list[tuple[Answer, Answer]] = []
    for question in version.questions.all():
        if not question.applies_to_council_type(previous.organisation.council_type):
            continue
        source = next(
            (
                old_answers[key]
                for key in _predecessor_keys(question, replaces_by_key)
                if key in old_answers and old_answers[key].is_answered
            ),
            None,
        )
        if source is None:
            continue
        copied.append(
            (
                source,
                Answer(
                    assessment=assessment,
                    question=question,
                    level=source.level,
                    is_not_applicable=source.is_not_applicable and question.allows_not_applicable,
                    evidence=source.evidence,
                    answered_by=source.answered_by,
                    answered_at=now,
                    carried_forward=True,
                ),
            )
        )
    Answer.objects.bulk_create([new for _, new in copied])
    created = {a.question_id: a for a in Answer.objects.filter(assessment=assessment)}
    EvidenceItem.objects.bulk_create(
        EvidenceItem(
            answer=created[new.question_id],
            description=item.description,
            link=item.link,
            owner=item.owner,
            dated=item.dated,
            added_by=item.added_by,
        )  # fmt: skip
        for source, new in copied
        for item in source.evidence_items.all()
    )
    Action.objects.bulk_create(
        Action(
            assessment=assessment,
            question_key=action.question_key,
            text=action.text,
            owner=action.owner,
            due_date=action.due_date,
            status=action.status,
            carried_from=action,
            created_by=action.created_by,
        )  # fmt: skip
        for action in previous.actions.exclude(status=Action.Status.DONE)
    )
    AssessmentEvent.objects.create(
        assessment=assessment, kind=AssessmentEvent.Kind.STARTED, actor=user, note=f"Started from {previous.period}"
    )
    return assessment


def _report_changed(assessment: Assessment) -> None:
    # Actions appear in the report, which is cached on the assessment's updated_at.
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())


@transaction.atomic
def action_create(
    *, assessment: Assessment, user: User, question_key: str, text: str, owner: str, due_date: datetime.date | None
) -> Action:
    """Take on a recommendation from the action plan as an action. Leads only."""
    require(user=user, organisation=assessment.organisation, action=Can.MANAGE_ACTIONS)
    if question_key and not re.fullmatch(r"[-a-zA-Z0-9_]{1,100}", question_key):
        raise ValidationError("This action does not belong to a question of the bank")
    if not text.strip():
        raise ValidationError({"text": "Describe the action"})
    if not owner.strip():
        raise ValidationError({"owner": "Enter who owns this action"})
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date must be today or in the future"})
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()  # one action taken on at a time
    fields = {"question_key": question_key, "text": text.strip(), "owner": owner.strip(), "due_date": due_date}
    # The same action sent twice (the button pressed twice, or the page sent again) is listed once.
    same = Action.objects.filter(assessment=assessment, status=Action.Status.OPEN, **fields).first()
    if same is not None:
        return same
    action = Action.objects.create(assessment=assessment, created_by=user, **fields)
    _report_changed(assessment)
    return action


@transaction.atomic
def action_update_status(*, action: Action, user: User, status: str) -> Action:
    require(user=user, organisation=action.assessment.organisation, action=Can.MANAGE_ACTIONS)
    if status not in Action.Status.values:
        raise ValidationError({"status": "Choose a status"})
    action.status = status
    action.save(update_fields=["status", "updated_at"])
    _report_changed(action.assessment)
    return action
