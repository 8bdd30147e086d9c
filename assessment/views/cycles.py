"""Evidence items, the next cycle and actions."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from assessment import selectors
from assessment.forms import ActionForm, EvidenceItemForm, NextCycleForm, form_add_service_errors
from assessment.models import Action, Assessment, EvidenceItem
from assessment.services.assessments import AssessmentLocked
from assessment.services.collaboration import evidence_item_add, evidence_item_remove
from assessment.services.cycles import action_create, action_update_status, assessment_start_next_cycle
from assessment.services.periods import period_from_start_year
from assessment.services.permissions import Can, allowed_on_page, require_on_page
from assessment.services.reports import results_build
from assessment.views import AuthenticatedHttpRequest, assessment_for_request


@login_required
@require_http_methods(["GET", "POST"])
def evidence_items(request: AuthenticatedHttpRequest, pk: int, question_id: int) -> HttpResponse:
    assessment = assessment_for_request(request, pk)
    structure = selectors.assessment_structure(assessment=assessment, with_detail=True)
    question = next((q for t in structure.themes for q in t.questions if q.id == question_id), None)
    if question is None:
        raise Http404("No such question in this assessment")
    theme = next(t.theme for t in structure.themes if question in t.questions)
    form = EvidenceItemForm(
        request.POST if request.method == "POST" else None, initial={"dated": datetime.date.today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            evidence_item_add(assessment=assessment, question=question, user=request.user, **form.cleaned_data)
        except AssessmentLocked:
            form.add_error(None, "This assessment can no longer be changed.")
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, "The evidence item has been added.")
            return redirect("evidence_items", pk=assessment.pk, question_id=question.id)
    return render(
        request,
        "evidence/items.html",
        {
            "assessment": assessment,
            "question": question,
            "theme": theme,
            "items": structure.evidence_items.get(question.id, []),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def evidence_item_delete(request: AuthenticatedHttpRequest, pk: int, item_id: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)  # it only redirects: no page
    item = get_object_or_404(EvidenceItem.objects.select_related("answer"), pk=item_id, answer__assessment=assessment)
    try:
        evidence_item_remove(item=item, user=request.user)
    except AssessmentLocked:
        messages.error(request, "This assessment can no longer be changed.")
    else:
        messages.success(request, "The evidence item has been removed.")
    return redirect("evidence_items", pk=assessment.pk, question_id=item.answer.question_id)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_next_cycle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    previous = assessment_for_request(request, pk)
    require_on_page(request, previous.organisation, action=Can.START_NEXT_CYCLE)
    if previous.status == Assessment.Status.DRAFT:
        messages.info(request, "Submit this assessment before starting the next one from it.")
        return redirect("assessment_task_list", pk=previous.pk)
    # The next two financial years the council has no assessment for, the first of them chosen already.
    taken = set(Assessment.objects.filter(organisation=previous.organisation).values_list("period", flat=True))
    start = int(previous.period[:4])
    periods = [p for p in (period_from_start_year(start + n) for n in range(1, 6)) if p not in taken][:2]
    if not periods:
        messages.info(request, "The council already has an assessment for each of the next five years.")
        return redirect("assessment_task_list", pk=previous.pk)
    form = NextCycleForm(
        request.POST if request.method == "POST" else None, periods=periods, initial={"period": periods[0]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_start_next_cycle(
                previous=previous, user=request.user, period=form.cleaned_data["period"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"The {assessment.period} assessment has started with your {previous.period} answers. "
                "Confirm or change each one.",
            )
            return redirect("assessment_task_list", pk=assessment.pk)
    return render(request, "cycles/next_cycle.html", {"previous": previous, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def assessment_actions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for_request(request, pk)
    can = allowed_on_page(request, assessment.organisation)
    plan_item = None
    question_key = request.GET.get("question", "") if request.method == "GET" else request.POST.get("question_key", "")
    if question_key:
        results = results_build(structure=selectors.assessment_structure(assessment=assessment, with_detail=True))
        plan_item = next((i for i in results.scores.action_plan if i.question_key == question_key), None)
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial={"text": plan_item.text if plan_item else "", "question_key": question_key},
    )
    if request.method == "POST":
        require_on_page(request, assessment.organisation, action=Can.MANAGE_ACTIONS)
        if form.is_valid():
            try:
                action_create(assessment=assessment, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, "The action has been added.")
                return redirect("assessment_actions", pk=assessment.pk)
    actions = assessment.actions.select_related("carried_from__assessment").order_by("status", "due_date", "id")
    return render(
        request,
        "cycles/actions.html",
        {
            "assessment": assessment,
            "actions": actions,
            "form": form,
            "can": can,
            "plan_item": plan_item,
            "statuses": Action.Status.choices,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def action_status(request: AuthenticatedHttpRequest, pk: int, action_id: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)  # it only redirects: no page
    action = get_object_or_404(Action, pk=action_id, assessment=assessment)
    require_on_page(request, assessment.organisation, action=Can.MANAGE_ACTIONS)
    try:
        action_update_status(action=action, user=request.user, status=request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The action is now “{action.get_status_display().lower()}”.")
    return redirect("assessment_actions", pk=assessment.pk)
