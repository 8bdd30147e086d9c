"""Reads. Every object a view loads by id comes through here, scoped to the user's councils,
so another council's assessment is a 404 and never a leak."""

import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import F, FilteredRelation, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from assessment.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    BankVersion,
    EvidenceItem,
    Invitation,
    Membership,
    Organisation,
    Question,
    QuestionTarget,
    SupportEvent,
    Theme,
    ThemeAssignment,
    ThemeReview,
    ThemeTarget,
    User,
)
from assessment.services.scoring import QuestionInput, RecommendationInput, ScoringInput, ThemeInput


def organisations_for_user(*, user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def assessments_for_user(*, user: User) -> QuerySet[Assessment]:
    return (
        # Only the council: the bank version is read from memory by id (`bank_content`), and its title only by the
        # PDF report.
        Assessment.objects.filter(organisation__memberships__user=user)
        .select_related("organisation")
        .order_by("-period", "organisation__name", "-created_at")
    )


def assessment_get_for_user(*, user: User, pk: int) -> Assessment:
    """The assessment if it belongs to one of the person's councils, otherwise a 404, in one query: for requests
    that answer without a page (an autosave, an export). Pages use `assessment_get_for_member`."""
    return get_object_or_404(assessments_for_user(user=user), pk=pk)


def assessment_get_for_member(*, memberships: Mapping[int, Membership], pk: int) -> Assessment:
    """The assessment if it belongs to one of the person's councils, otherwise a 404. `memberships` is what
    `memberships_for_request` read for the page (by council id, each with its council): the assessment is then
    read on its own, without joining memberships and councils again, and shares their council object."""
    assessment = get_object_or_404(Assessment.objects.filter(organisation_id__in=list(memberships)), pk=pk)
    assessment.organisation = memberships[assessment.organisation_id].organisation
    return assessment


def published_bank_versions() -> QuerySet[BankVersion]:
    return BankVersion.objects.filter(status=BankVersion.Status.PUBLISHED).select_related("bank")


@dataclass(frozen=True)
class BankContent:
    """A bank version's themes and questions in order, each question with its theme, level descriptors,
    recommendations and sources loaded. Shared between requests: read it, never change it."""

    themes: list[Theme]
    questions: list[Question]
    questions_by_id: dict[int, Question]


# Published (and retired) versions never change, so each process reads one once and keeps it: the theme page,
# the task list, the results and an autosave then read no bank tables at all. Drafts are read afresh each time.
_kept_content: dict[int, BankContent] = {}
_kept_content_lock = threading.Lock()
KEPT_VERSIONS = 8  # a handful are in use at once; the oldest read is let go first


def bank_content(*, version_id: int) -> BankContent:
    """The version's content: from memory if it is published or retired, otherwise from the database."""
    content = _kept_content.get(version_id)
    if content is not None:
        return content
    # The status is read before the content: a version seen published here cannot change afterwards.
    status = BankVersion.objects.filter(pk=version_id).values_list("status", flat=True).first()
    themes = list(Theme.objects.filter(version_id=version_id).order_by("position", "id"))
    questions = list(
        Question.objects.filter(version_id=version_id).order_by("theme__position", "theme_id", "position", "id")
    )
    prefetch_related_objects(questions, "levels", "recommendations", "sources")
    themes_by_id = {t.id: t for t in themes}
    for question in questions:
        question.theme = themes_by_id[question.theme_id]
    content = BankContent(themes=themes, questions=questions, questions_by_id={q.id: q for q in questions})
    if status is not None and status != BankVersion.Status.DRAFT:
        with _kept_content_lock:
            while len(_kept_content) >= KEPT_VERSIONS:
                del _kept_content[next(iter(_kept_content))]
            _kept_content[version_id] = content
    return content


def bank_content_forget() -> None:
    """Let go of every kept version (for tests, whose rolled-back ids are used again by the next test)."""
    with _kept_content_lock:
        _kept_content.clear()


@dataclass
class ThemeProgress:
    theme: Theme
    questions: list[Question]
    answered: int = 0
    to_confirm: int = 0  # answers carried forward from the last assessment that nobody has confirmed or changed

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def status(self) -> str:
        if self.answered == 0:
            return "Not started"
        if self.answered < self.total:
            return "In progress"
        if self.to_confirm:
            return "Check carried-forward answers"
        return "Completed"


@dataclass
class AssessmentStructure:
    """The themes and questions that apply to one assessment's council, with what has been answered."""

    assessment: Assessment
    themes: list[ThemeProgress] = field(default_factory=list)
    answers: dict[int, Answer] = field(default_factory=dict)  # by question id
    targets: dict[int, ThemeTarget] = field(default_factory=dict)  # by theme id, with the detail only
    question_targets: dict[int, QuestionTarget] = field(default_factory=dict)  # by question id, with the detail
    evidence_items: dict[int, list[EvidenceItem]] = field(default_factory=dict)  # by question id, for the detail
    assignments: dict[int, ThemeAssignment] = field(default_factory=dict)  # by theme id
    reviews: dict[int, ThemeReview] = field(default_factory=dict)  # by theme id

    @property
    def answered(self) -> int:
        return sum(t.answered for t in self.themes)

    @property
    def total(self) -> int:
        return sum(t.total for t in self.themes)

    @property
    def to_confirm(self) -> int:
        return sum(t.to_confirm for t in self.themes)

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    @property
    def is_complete(self) -> bool:
        """Every question answered, and every answer carried forward confirmed or changed."""
        return self.answered == self.total and not self.to_confirm

    @property
    def themes_to_confirm(self) -> list[ThemeProgress]:
        return [t for t in self.themes if t.to_confirm]

    @property
    def themes_returned(self) -> list[ThemeProgress]:
        """The themes the lead has returned for changes (of those read: the theme page reads its own only)."""
        return [
            t for t in self.themes if (r := self.reviews.get(t.theme.id)) and r.status == ThemeReview.Status.RETURNED
        ]

    def theme(self, key: str) -> ThemeProgress:
        for progress in self.themes:
            if progress.theme.key == key:
                return progress
        raise Http404("No such theme in this assessment")

    def next_theme_after(self, key: str, *, among: set[int] | None = None) -> ThemeProgress | None:
        """The theme after `key`, or with `among` (theme ids) the next one of those."""
        keys = [t.theme.key for t in self.themes]
        following = self.themes[keys.index(key) + 1 :]
        return next((t for t in following if among is None or t.theme.id in among), None)


def assessment_structure(
    *, assessment: Assessment, with_detail: bool = False, detail_theme_key: str | None = None
) -> AssessmentStructure:
    """Two queries however large the bank (the bank itself is kept in memory, see `bank_content`): the answers,
    and each theme's assignment and review. With `with_detail` (results and reports), each theme's target too, and
    two more queries: every answer's evidence items (`evidence_items`, by question) and the question targets; with
    `detail_theme_key` (the theme page), the answers, assignment and review of that theme only (so the other
    themes' progress is not counted) and one more query, their evidence items.
    Questions that do not apply to the council's type are left out, and so are themes left with none."""
    council_type = assessment.organisation.council_type
    content = bank_content(version_id=assessment.bank_version_id)
    themes = content.themes
    questions = [q for q in content.questions if q.applies_to_council_type(council_type)]
    one_theme = not with_detail and detail_theme_key is not None  # the theme page: no other theme's progress
    if with_detail:
        detailed = questions
    else:
        detailed_theme_ids = {t.id for t in themes if t.key == detail_theme_key}
        detailed = [q for q in questions if q.theme_id in detailed_theme_ids]
    answers_query = Answer.objects.filter(assessment=assessment).order_by()  # read into a dict: no joins to sort
    if one_theme:
        answers_query = answers_query.filter(question__in=detailed)
    answers = {a.question_id: a for a in answers_query}
    structure = AssessmentStructure(assessment=assessment, answers=answers)
    question_of_answer = {answers[q.id].id: q.id for q in detailed if q.id in answers}
    if question_of_answer:
        # Read straight into lists by question: Django's prefetching costs twice the query itself here.
        for item in EvidenceItem.objects.filter(answer_id__in=question_of_answer):  # in the model's order
            structure.evidence_items.setdefault(question_of_answer[item.answer_id], []).append(item)
    by_theme: dict[int, list[Question]] = defaultdict(list)
    for question in questions:
        by_theme[question.theme_id].append(question)
    # Each theme's assignment and review for this assessment, and with the detail its target (which only scoring
    # reads), in one query. (django-stubs cannot follow select_related through a FilteredRelation.)
    if one_theme:
        themes_read = Theme.objects.filter(pk__in=detailed_theme_ids)
    else:
        themes_read = Theme.objects.filter(version_id=assessment.bank_version_id)
    joined = {
        "assignment": FilteredRelation("council_assignments", condition=Q(council_assignments__assessment=assessment)),
        "review": FilteredRelation("council_reviews", condition=Q(council_reviews__assessment=assessment)),
    }
    related = ["assignment__assignee", "review"]
    if with_detail:
        joined["target"] = FilteredRelation("council_targets", condition=Q(council_targets__assessment=assessment))
        related.append("target")
    for row in themes_read.annotate(**joined).select_related(*related).order_by():  # type: ignore[misc]
        # A joined object is set only where there is one.
        if (assignment := getattr(row, "assignment", None)) is not None:
            structure.assignments[row.id] = assignment
        if (review := getattr(row, "review", None)) is not None:
            structure.reviews[row.id] = review
        if (target := getattr(row, "target", None)) is not None:
            structure.targets[row.id] = target
    if with_detail:
        structure.question_targets = {t.question_id: t for t in QuestionTarget.objects.filter(assessment=assessment)}
    for theme in themes:
        theme_questions = by_theme.get(theme.id, [])
        if not theme_questions:
            continue
        answered = sum(1 for q in theme_questions if q.id in answers and answers[q.id].is_answered)
        to_confirm = sum(1 for q in theme_questions if q.id in answers and answers[q.id].carried_forward)
        structure.themes.append(
            ThemeProgress(theme=theme, questions=theme_questions, answered=answered, to_confirm=to_confirm)
        )
    return structure


def returned_theme_ids(*, assessment: Assessment) -> set[int]:
    """The themes the lead has returned to the officers for changes."""
    return set(
        ThemeReview.objects.filter(assessment=assessment, status=ThemeReview.Status.RETURNED).values_list(
            "theme_id", flat=True
        )
    )


def scoring_input_for_assessment(*, structure: AssessmentStructure) -> ScoringInput:
    """The pure scoring input for an assessment loaded with `with_detail=True`."""
    themes = []
    questions = []
    recommendations = []
    for progress in structure.themes:
        target = structure.targets.get(progress.theme.id)
        themes.append(
            ThemeInput(
                key=progress.theme.key,
                title=progress.theme.title,
                short_title=progress.theme.short_title,
                weight=float(progress.theme.weight),
                default_target=progress.theme.default_target,
                target=target.level if target else None,
            )
        )
        for question in progress.questions:
            answer = structure.answers.get(question.id)
            question_target = structure.question_targets.get(question.id)
            questions.append(
                QuestionInput(
                    key=question.key,
                    theme_key=progress.theme.key,
                    weight=float(question.weight),
                    level=answer.level if answer else None,
                    not_applicable=bool(answer and answer.is_not_applicable),
                    # An evidence item, not just a note, is what verifies a claim.
                    has_evidence=question.id in structure.evidence_items,
                    critical=question.critical,
                    target=question_target.level if question_target else None,
                    pillars=tuple(question.pillars),
                    frameworks=tuple((f["framework"], f["ref"]) for f in question.frameworks),
                    text=question.text,
                )
            )
            recommendations += [
                RecommendationInput(question_key=question.key, level=r.level, text=r.text, effort=r.effort)
                for r in question.recommendations.all()
            ]
    return ScoringInput(themes=themes, questions=questions, recommendations=recommendations)


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int
    to_confirm: int  # carried forward and not yet confirmed or changed


def assessment_progress_by_id(*, assessments: list[Assessment]) -> dict[int, Progress]:
    """How far each assessment in a list has got, in two queries, for the dashboard."""
    version_ids = {a.bank_version_id for a in assessments}
    questions = list(Question.objects.filter(version_id__in=version_ids).values_list("id", "version_id", "applies_to"))
    answered: dict[tuple[int, int], bool] = {
        (assessment_id, question_id): carried_forward
        for assessment_id, question_id, carried_forward in Answer.objects.filter(assessment__in=assessments)
        .exclude(level__isnull=True, is_not_applicable=False)
        .values_list("assessment_id", "question_id", "carried_forward")
    }
    progress = {}
    for assessment in assessments:
        council_type = assessment.organisation.council_type
        applicable = [
            q_id
            for q_id, version_id, applies_to in questions
            if version_id == assessment.bank_version_id and council_type in applies_to
        ]
        keys = [(assessment.id, q_id) for q_id in applicable if (assessment.id, q_id) in answered]
        progress[assessment.id] = Progress(
            answered=len(keys), total=len(applicable), to_confirm=sum(1 for key in keys if answered[key])
        )
    return progress


def assignments_for_user(*, user: User) -> QuerySet[ThemeAssignment]:
    """Themes assigned to this person in assessments still open for answers, soonest due first."""
    return (
        ThemeAssignment.objects.filter(
            assignee=user,
            assessment__status=Assessment.Status.DRAFT,
            assessment__organisation__memberships__user=user,
        )
        .select_related("assessment__organisation", "theme")
        .order_by(F("due_date").asc(nulls_last=True), "assessment__period", "theme__position")
    )


def assessment_events_latest(*, assessments: list[Assessment]) -> dict[int, "AssessmentEvent"]:
    """The latest status change of each assessment, for the dashboard."""
    latest: dict[int, AssessmentEvent] = {}
    for event in (
        AssessmentEvent.objects.filter(assessment__in=assessments)
        .select_related("actor", "theme")
        .order_by("created_at", "id")
    ):
        latest[event.assessment_id] = event
    return latest


def pending_invitations(*, organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations not yet accepted and not yet expired, newest first."""
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def support_events(*, organisation: Organisation, limit: int = 20) -> list[SupportEvent]:
    """The latest things platform administrators did to the council, newest first."""
    return list(SupportEvent.objects.filter(organisation=organisation).select_related("actor")[:limit])


def council_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


@dataclass(frozen=True)
class AnswerChangeSince:
    """How one answer changed since a theme was returned."""

    question: Question
    changes: list[str]  # for example ["level 2 → 3", "notes", "1 evidence item added"]


@dataclass
class ReviewThread:
    """One theme's review conversation: the lead's comments, the officer's replies and acceptances, oldest first,
    and what changed in its answers since it was last returned."""

    events: list[AssessmentEvent] = field(default_factory=list)
    changed: list[AnswerChangeSince] = field(default_factory=list)

    @property
    def last_returned(self) -> AssessmentEvent | None:
        """The return that began the latest round of changes: a theme returned again before it was resubmitted
        counts its changes from the first of those returns, so none made in between are left out."""
        first = None
        for event in reversed(self.events):
            if event.kind == AssessmentEvent.Kind.THEME_RETURNED:
                first = event
            elif first is not None:
                break
        return first


def _level_text(level: int | None, not_applicable: bool) -> str:
    return "not applicable" if not_applicable else (f"level {level}" if level else "not answered")


def review_threads(*, structure: AssessmentStructure) -> dict[int, ReviewThread]:
    """{theme id: thread} for every theme that has been returned or accepted. Three queries, however many themes."""
    assessment = structure.assessment
    threads: dict[int, ReviewThread] = defaultdict(ReviewThread)
    events = (
        AssessmentEvent.objects.filter(
            assessment=assessment,
            kind__in=[
                AssessmentEvent.Kind.THEME_RETURNED,
                AssessmentEvent.Kind.THEME_RESUBMITTED,
                AssessmentEvent.Kind.THEME_ACCEPTED,
            ],
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    for event in events:
        if event.theme_id is not None:
            threads[event.theme_id].events.append(event)
    returned_at = {theme_id: t.last_returned.created_at for theme_id, t in threads.items() if t.last_returned}
    if not returned_at:
        return dict(threads)
    # The answers as they stood when each theme was last returned, from their history.
    question_theme = {q.id: p.theme.id for p in structure.themes for q in p.questions}
    before: dict[int, tuple[int | None, bool, str]] = {}
    history = Answer.history.filter(assessment_id=assessment.id, history_date__lte=max(returned_at.values()))
    for record in history.order_by("question_id", "history_date", "history_id"):
        theme_id = question_theme.get(record.question_id)
        if theme_id in returned_at and record.history_date <= returned_at[theme_id]:
            before[record.question_id] = (record.level, record.is_not_applicable, record.evidence)
    items_since: dict[int, int] = defaultdict(int)
    for question_id, created_at in EvidenceItem.objects.filter(answer__assessment=assessment).values_list(
        "answer__question_id", "created_at"
    ):
        theme_id = question_theme.get(question_id)
        if theme_id in returned_at and created_at > returned_at[theme_id]:
            items_since[question_id] += 1
    for progress in structure.themes:
        if progress.theme.id not in returned_at:
            continue
        returned = returned_at[progress.theme.id]
        for question in progress.questions:
            answer = structure.answers.get(question.id)
            now = (answer.level, answer.is_not_applicable, answer.evidence) if answer else (None, False, "")
            then = before.get(question.id, (None, False, ""))
            changes = []
            if question.id not in before and answer is not None and answer.created_at <= returned:
                # Written without history (in bulk: demo data, or an import straight into the database): as it
                # stood at the return unless saved since, and then what it was before is not known.
                if answer.updated_at > returned:
                    changes.append(f"saved since it was returned, now {_level_text(*now[:2])}")
            else:
                if now[:2] != then[:2]:
                    changes.append(f"{_level_text(*then[:2])} → {_level_text(*now[:2])}")
                if now[2] != then[2]:
                    changes.append("notes changed")
            if items_since[question.id]:
                count = items_since[question.id]
                changes.append(f"{count} evidence item{'s' if count != 1 else ''} added")
            if changes:
                threads[progress.theme.id].changed.append(AnswerChangeSince(question=question, changes=changes))
    return dict(threads)
