from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.views.decorators.http import require_http_methods, require_POST

from assessment import selectors
from assessment.forms import AutosaveForm, ThemeAnswersForm
from assessment.models import Answer, level_encode
from assessment.services.assessments import AnswerChange, AnswerConflict, AssessmentLocked, answers_save
from assessment.services.permissions import LEADS, has_role
from assessment.views import AuthenticatedHttpRequest

CONTINUE = "continue"
LATER = "later"


def _saved_label(answer: Answer) -> str:
    return f"Saved at {time_format(timezone.localtime(answer.answered_at), 'g:i a')}"


@login_required
@require_http_methods(["GET", "POST"])
def theme_answer(request: AuthenticatedHttpRequest, pk: int, theme_key: str) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    structure = selectors.assessment_structure(assessment=assessment, with_detail=True)
    progress = structure.theme(theme_key)
    form = ThemeAnswersForm(
        request.POST if request.method == "POST" else None,
        questions=progress.questions,
        answers=structure.answers,
    )
    conflicts: dict[int, Answer] = {}
    status = 200
    if request.method == "POST":
        if not assessment.is_editable:
            return render(request, "assessment/locked.html", {"assessment": assessment}, status=409)
        if form.is_valid():
            try:
                answers_save(assessment=assessment, user=request.user, changes=form.changes())
            except AnswerConflict as conflict:
                conflicts[conflict.current.question_id] = conflict.current
                form.add_error(
                    f"q{conflict.current.question_id}-version",
                    "Someone else changed this answer after you opened the page. Their saved answer is shown "
                    "below and yours is still in the form: save again to keep yours.",
                )
                # Saving again from here deliberately replaces the colleague's answer, which the person has now seen.
                data = request.POST.copy()
                data[f"q{conflict.current.question_id}-version"] = str(conflict.current.version)
                form.data = data
            except AssessmentLocked:
                return render(request, "assessment/locked.html", {"assessment": assessment}, status=409)
            else:
                if request.POST.get("action") == LATER:
                    messages.success(request, f"Your answers to “{progress.theme.title}” have been saved.")
                    return redirect("assessment_task_list", pk=assessment.pk)
                next_theme = structure.next_theme_after(theme_key)
                if next_theme is None:
                    return redirect("assessment_check", pk=assessment.pk)
                return redirect("theme_answer", pk=assessment.pk, theme_key=next_theme.theme.key)
        status = 400
    blocks = form.blocks()
    for block in blocks:
        block.conflict = conflicts.get(block.question.id)
    return render(
        request,
        "assessment/theme.html",
        {
            "assessment": assessment,
            "structure": structure,
            "progress": progress,
            "form": form,
            "blocks": blocks,
            "theme_number": structure.themes.index(progress) + 1,
            "is_lead": has_role(user=request.user, organisation=assessment.organisation, roles=LEADS),
            "review": structure.reviews.get(progress.theme.id),
            "assignment": structure.assignments.get(progress.theme.id),
        },
        status=status,
    )


def _answer_json(answer: Answer) -> dict:
    return {
        "level": level_encode(level=answer.level, not_applicable=answer.is_not_applicable),
        "evidence": answer.evidence,
        "version": answer.version,
        "answered_by": answer.answered_by.get_full_name() if answer.answered_by else "",
        "saved": _saved_label(answer),
    }


@login_required
@require_POST
def answer_autosave(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """Save one answer as the officer goes. 400 for bad input, 409 for a stale version or a locked assessment."""
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    form = AutosaveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": [e for errs in form.errors.values() for e in errs]}, status=400)
    structure = selectors.assessment_structure(assessment=assessment)
    question = next((q for t in structure.themes for q in t.questions if q.id == form.cleaned_data["question"]), None)
    if question is None:
        return JsonResponse({"errors": ["This question is not part of this assessment"]}, status=400)
    level, not_applicable = form.cleaned_data["level"]
    change = AnswerChange(
        question=question,
        level=level,
        not_applicable=not_applicable,
        evidence=form.cleaned_data["evidence"].replace("\r\n", "\n"),
        expected_version=form.cleaned_data["version"],
    )
    try:
        (answer,) = answers_save(assessment=assessment, user=request.user, changes=[change])
    except AnswerConflict as conflict:
        return JsonResponse(
            {"errors": ["Someone else changed this answer"], "current": _answer_json(conflict.current)},
            status=409,
        )
    except AssessmentLocked:
        return JsonResponse({"errors": ["This assessment has been submitted and can no longer be changed"]}, status=409)
    except ValidationError as error:
        return JsonResponse({"errors": error.messages}, status=400)
    return JsonResponse(_answer_json(answer))
