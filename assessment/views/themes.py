from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from assessment import selectors
from assessment.forms import AutosaveForm, EvidenceItemForm, ThemeAnswersForm, form_add_service_errors
from assessment.models import Answer, EvidenceItem, MaturityLevel, level_encode
from assessment.services.assessments import AnswerChange, AnswerConflict, AssessmentLocked, answers_save
from assessment.services.collaboration import evidence_item_add, evidence_item_remove
from assessment.services.permissions import allowed_on_page
from assessment.views import AuthenticatedHttpRequest, assessment_for_request

CONTINUE = "continue"
LATER = "later"
CONFIRM = "confirm"  # save, and confirm the theme's carried-forward answers as they are


def _saved_label(answer: Answer) -> str:
    """ "Saved at 9:05am": the GOV.UK style for times (no dots), so the status line ends with one full stop."""
    when = timezone.localtime(answer.answered_at)
    return f"Saved at {when.hour % 12 or 12}:{when.minute:02d}{'am' if when.hour < 12 else 'pm'}"


@login_required
@require_http_methods(["GET", "POST"])
def theme_answer(request: AuthenticatedHttpRequest, pk: int, theme_key: str) -> HttpResponse:
    """One theme's questions. The form's buttons save every answer on the page, and then: go on to the next theme,
    go back to the task list, confirm the carried-forward answers as they are, or add or remove an evidence item
    (so nothing typed is lost, with or without JavaScript)."""
    assessment = assessment_for_request(request, pk)
    structure = selectors.assessment_structure(assessment=assessment, detail_theme_key=theme_key)
    progress = structure.theme(theme_key)
    form = ThemeAnswersForm(
        request.POST if request.method == "POST" else None,
        questions=progress.questions,
        answers=structure.answers,
    )
    questions_by_id = {q.id: q for q in progress.questions}
    action = request.POST.get("action", "")
    add_for = questions_by_id.get(_int(request.POST.get("add_evidence")) or 0)
    # The "Add an evidence item" form that was sent, if one was; the empty ones are drawn by the template.
    item_form = EvidenceItemForm.for_question(add_for.id, request.POST) if add_for is not None else None
    conflicts: dict[int, Answer] = {}
    status = 200
    if request.method == "POST":
        if not assessment.is_editable:
            return render(request, "assessment/locked.html", {"assessment": assessment}, status=409)
        if form.is_valid():
            try:
                answers_save(
                    assessment=assessment,
                    user=request.user,
                    changes=form.changes(),
                    confirm_carried_forward=action == CONFIRM,
                )
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
                done = _evidence_change(request, assessment, progress, add_for, item_form)
                if done is not None:
                    return done
                if add_for is None and "remove_evidence" not in request.POST:
                    return _after_save(request, assessment, structure, progress, action)
        status = 400
    blocks = form.blocks()
    for block in blocks:
        block.conflict = conflicts.get(block.question.id)
        block.evidence_items = structure.evidence_items.get(block.question.id, [])
        block.item_form = item_form if add_for is not None and block.question.id == add_for.id else None
    return render(
        request,
        "assessment/theme.html",
        {
            "assessment": assessment,
            "structure": structure,
            "progress": progress,
            "form": form,
            "blocks": blocks,
            "error_list": form.error_list() + (_item_errors(item_form) if item_form is not None else []),
            "today": timezone.localdate(),
            "theme_number": structure.themes.index(progress) + 1,
            "can": allowed_on_page(request, assessment.organisation),
            "review": structure.reviews.get(progress.theme.id),
            "assignment": structure.assignments.get(progress.theme.id),
        },
        status=status,
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _item_errors(form: EvidenceItemForm) -> list[tuple[str, str]]:
    if not form.is_bound:
        return []
    return [
        (form[name].auto_id + ("_0" if name == "dated" else ""), str(error))
        for name, errors in form.errors.items()
        for error in errors
    ]


def _evidence_change(request, assessment, progress, add_for, item_form) -> HttpResponse | None:
    """Add or remove an evidence item once the answers on the page are saved. A redirect when done; None when
    there was nothing to do, or the new item has errors to show (the answers are saved either way)."""
    anchor_url = reverse("theme_answer", kwargs={"pk": assessment.pk, "theme_key": progress.theme.key})
    remove_id = _int(request.POST.get("remove_evidence"))
    if remove_id is not None:
        item = (
            EvidenceItem.objects.filter(
                pk=remove_id, answer__assessment=assessment, answer__question__in=progress.questions
            )
            .select_related("answer__question")
            .first()
        )
        if item is None:
            return redirect(anchor_url)
        evidence_item_remove(item=item, user=request.user)
        messages.success(request, f"“{item.description}” has been removed. Your answers have been saved.")
        return redirect(f"{anchor_url}#question-{item.answer.question.key}")
    if add_for is None or item_form is None:  # item_form is the form sent for add_for
        return None
    if not item_form.is_valid():
        return None
    try:
        evidence_item_add(assessment=assessment, question=add_for, user=request.user, **item_form.cleaned_data)
    except ValidationError as error:
        form_add_service_errors(item_form, error)
        return None
    messages.success(request, "The evidence item has been added. Your answers have been saved.")
    return redirect(f"{anchor_url}#question-{add_for.key}")


def _after_save(request, assessment, structure, progress, action: str) -> HttpResponse:
    if action == CONFIRM and progress.to_confirm:
        messages.success(
            request,
            f"The {progress.to_confirm} carried-forward answer{'s' if progress.to_confirm != 1 else ''} in "
            f"“{progress.theme.title}” {'are' if progress.to_confirm != 1 else 'is'} confirmed.",
        )
    if action == LATER:
        messages.success(request, f"Your answers to “{progress.theme.title}” have been saved.")
        return redirect("assessment_task_list", pk=assessment.pk)
    # Mending a theme the lead returned (the theme page's structure holds this theme's review only): on to the
    # next one they returned, not through the themes they accepted.
    among = selectors.returned_theme_ids(assessment=assessment) if structure.themes_returned else None
    next_theme = structure.next_theme_after(progress.theme.key, among=among)
    if next_theme is None:
        return redirect("assessment_check", pk=assessment.pk)
    return redirect("theme_answer", pk=assessment.pk, theme_key=next_theme.theme.key)


def _answer_json(answer: Answer) -> dict:
    if answer.is_not_applicable:
        described = "Not applicable"
    elif answer.level is not None:
        described = f"Level {answer.level} ({MaturityLevel(answer.level).label})"
    else:
        described = "No level chosen"
    return {
        "level": level_encode(level=answer.level, not_applicable=answer.is_not_applicable),
        "described": described,
        "evidence": answer.evidence,
        "version": answer.version,
        "answered_by": answer.answered_by.get_full_name() if answer.answered_by else "",
        "saved": _saved_label(answer),
    }


@login_required
@require_POST
def answer_autosave(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """Save one answer as the officer goes. 400 for bad input, 409 for a stale version or a locked assessment."""
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)  # no page, no memberships read
    form = AutosaveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": [e for errs in form.errors.values() for e in errs]}, status=400)
    # `answers_save` checks that the question applies to this council.
    question = selectors.bank_content(version_id=assessment.bank_version_id).questions_by_id.get(
        form.cleaned_data["question"]
    )
    if question is None:
        return JsonResponse({"errors": ["This question is not part of this assessment"]}, status=400)
    level, not_applicable = form.cleaned_data["level"]
    change = AnswerChange(
        question=question,
        level=level,
        not_applicable=not_applicable,
        evidence=form.cleaned_data["evidence"],
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
