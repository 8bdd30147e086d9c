"""Assignment, review and sign-off: the lead's pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from assessment import selectors
from assessment.forms import GovukDateField, ReopenForm, ReturnThemeForm
from assessment.models import Question
from assessment.services.collaboration import ASSIGNEE_NOT_A_MEMBER, ThemeAssignmentChange, theme_assignments_set
from assessment.services.permissions import Can, require_on_page
from assessment.services.reviews import (
    AssessmentStateError,
    UnreviewedThemes,
    assessment_reopen,
    assessment_sign_off,
    theme_accept,
    theme_return,
    themes_can_be_accepted,
    themes_can_be_returned,
    themes_not_accepted,
)
from assessment.views import AuthenticatedHttpRequest, assessment_for_request

DATE_PARTS = ("day", "month", "year")


def _assessment_for(request: AuthenticatedHttpRequest, pk: int, action: Can):
    """The assessment, if the person's role in its council allows `action` (403 otherwise; 404 for others')."""
    assessment = assessment_for_request(request, pk)
    require_on_page(request, assessment.organisation, action=action)
    return assessment


@login_required
@require_http_methods(["GET", "POST"])
def assessment_assignments(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk, Can.ASSIGN_THEMES)
    structure = selectors.assessment_structure(assessment=assessment)
    members = list(selectors.council_members(organisation=assessment.organisation))
    error_by_theme: dict[int, str] = {}  # shown beside the due date
    assignee_errors: dict[int, str] = {}  # shown beside the choice of person
    typed: dict[int, list[str]] = {}  # what was sent, shown again as sent when anything is refused
    chosen: dict[int, str] = {}
    if request.method == "POST":
        people = {str(m.user_id): m.user for m in members}
        changes = []
        for progress in structure.themes:
            theme = progress.theme
            typed[theme.id] = [request.POST.get(f"due-{theme.id}-{part}", "").strip() for part in DATE_PARTS]
            chosen[theme.id] = request.POST.get(f"assignee-{theme.id}", "")
            if chosen[theme.id] and chosen[theme.id] not in people:  # not one of the choices the page offered
                assignee_errors[theme.id] = f"{theme.title}: {ASSIGNEE_NOT_A_MEMBER}"
                continue
            try:
                due = GovukDateField(what=f"the due date for {theme.title}", required=False).clean(typed[theme.id])
            except ValidationError as error:
                error_by_theme[theme.id] = error.messages[0]
                continue
            changes.append(ThemeAssignmentChange(theme=theme, assignee=people.get(chosen[theme.id]), due_date=due))
        if not error_by_theme and not assignee_errors:
            try:
                theme_assignments_set(assessment=assessment, lead=request.user, changes=changes)
            except ValidationError as error:
                ids = {p.theme.key: p.theme.id for p in structure.themes}
                error_by_theme |= {ids[key]: refusals[0] for key, refusals in error.message_dict.items()}
            else:
                messages.success(request, "The assignments have been saved.")
                return redirect("assessment_task_list", pk=assessment.pk)
    rows = []
    for progress in structure.themes:
        theme_id = progress.theme.id
        assignment = structure.assignments.get(theme_id)
        saved = assignment.due_date if assignment else None
        day, month, year = typed.get(theme_id) or (
            [str(saved.day), str(saved.month), str(saved.year)] if saved else ["", "", ""]
        )
        parts = [("day", "Day", 2, day), ("month", "Month", 2, month), ("year", "Year", 4, year)]
        assignee_id = chosen.get(theme_id, str(assignment.assignee_id) if assignment else "")
        rows.append((progress, assignee_id, parts, error_by_theme.get(theme_id, ""), assignee_errors.get(theme_id, "")))
    error_list = [
        (anchor, errors[p.theme.id])
        for p in structure.themes
        for anchor, errors in ((f"assignee-{p.theme.id}", assignee_errors), (f"due-{p.theme.id}-day", error_by_theme))
        if p.theme.id in errors
    ]
    return render(
        request,
        "review/assignments.html",
        {"assessment": assessment, "rows": rows, "members": members, "error_list": error_list},
        status=400 if error_list else 200,
    )


@login_required
def assessment_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk, Can.REVIEW)
    structure = selectors.assessment_structure(assessment=assessment)
    return render(
        request,
        "review/review.html",
        {
            "assessment": assessment,
            "structure": structure,
            "can_return": themes_can_be_returned(assessment=assessment, structure=structure),
            "can_accept": themes_can_be_accepted(assessment=assessment),
            "rows": [
                (progress, structure.reviews.get(progress.theme.id), threads.get(progress.theme.id))
                for threads in [selectors.review_threads(structure=structure)]
                for progress in structure.themes
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_return_view(request: AuthenticatedHttpRequest, pk: int, theme_key: str) -> HttpResponse:
    assessment = _assessment_for(request, pk, Can.REVIEW)
    progress = selectors.assessment_structure(assessment=assessment).theme(theme_key)
    form = ReturnThemeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            theme_return(
                assessment=assessment, theme=progress.theme, lead=request.user, comment=form.cleaned_data["comment"]
            )
        except AssessmentStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"“{progress.theme.title}” has been returned with your comment.")
        return redirect("assessment_review", pk=assessment.pk)
    return render(request, "review/return.html", {"assessment": assessment, "theme": progress.theme, "form": form})


@login_required
@require_POST
def theme_accept_view(request: AuthenticatedHttpRequest, pk: int, theme_key: str) -> HttpResponse:
    assessment = _assessment_for(request, pk, Can.REVIEW)
    progress = selectors.assessment_structure(assessment=assessment).theme(theme_key)
    try:
        theme_accept(assessment=assessment, theme=progress.theme, lead=request.user)
    except AssessmentStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You have accepted “{progress.theme.title}”.")
    return redirect("assessment_review", pk=assessment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_sign_off_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Sign off. With themes nobody has accepted, a page lists them and asks the lead to confirm first."""
    assessment = _assessment_for(request, pk, Can.SIGN_OFF)
    if request.method == "GET":
        unreviewed = themes_not_accepted(assessment=assessment)
        return render(request, "review/sign_off.html", {"assessment": assessment, "unreviewed": unreviewed})
    try:
        assessment_sign_off(
            assessment=assessment, lead=request.user, without_review=request.POST.get("without_review") == "yes"
        )
    except AssessmentStateError as error:
        messages.error(request, str(error))
        return redirect("assessment_review", pk=assessment.pk)
    except UnreviewedThemes:
        return redirect("assessment_sign_off", pk=assessment.pk)
    messages.success(request, f"The {assessment.period} assessment is signed off and locked.")
    return redirect("assessment_task_list", pk=assessment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_reopen_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk, Can.SIGN_OFF)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment_reopen(assessment=assessment, lead=request.user, reason=form.cleaned_data["reason"])
        except AssessmentStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The assessment is open for changes again. The reason has been recorded.")
        return redirect("assessment_task_list", pk=assessment.pk)
    return render(request, "review/reopen.html", {"assessment": assessment, "form": form})


@login_required
def answer_history(request: AuthenticatedHttpRequest, pk: int, question_id: int) -> HttpResponse:
    """Every change to one answer: who changed the level or evidence, when, and from what."""
    assessment = _assessment_for(request, pk, Can.REVIEW)
    question = get_object_or_404(Question, pk=question_id, version_id=assessment.bank_version_id)
    answer = assessment.answers.filter(question=question).first()
    records = list(answer.history.select_related("history_user").order_by("history_date")) if answer else []
    # Each change beside the one before it. An answer carried forward from last year, or not answered yet,
    # has no history rows at all.
    pairs = zip([None, *records], records, strict=False)  # the first list is one longer
    changes = [{"record": record, "previous": previous} for previous, record in pairs]
    return render(
        request,
        "review/history.html",
        {"assessment": assessment, "question": question, "changes": list(reversed(changes))},
    )
