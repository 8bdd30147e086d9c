from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessment import selectors
from assessment.forms import StartAssessmentForm, SubmitAssessmentForm, form_add_service_errors
from assessment.services.assessments import (
    AssessmentIncomplete,
    AssessmentLocked,
    assessment_start,
    assessment_submit,
)
from assessment.services.periods import period_choices, period_for_date
from assessment.services.permissions import LEADS, has_role
from assessment.views import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = selectors.organisations_for_user(user=request.user)
    bank_versions = selectors.published_bank_versions()
    if not organisations:
        raise Http404("You are not a member of any council")
    if not bank_versions:
        return render(request, "assessment/no_question_bank.html", status=503)
    form = StartAssessmentForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        periods=period_choices(timezone.localdate()),
        bank_versions=bank_versions,
        initial={"period": period_for_date(timezone.localdate())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_start(
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                period=form.cleaned_data["period"],
                bank_version=form.cleaned_data["bank_version"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, f"You have started the {assessment.period} assessment.")
            return redirect("assessment_task_list", pk=assessment.pk)
    return render(request, "assessment/new.html", {"form": form})


@login_required
def assessment_task_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    structure = selectors.assessment_structure(assessment=assessment)
    return render(
        request,
        "assessment/task_list.html",
        {
            "assessment": assessment,
            "structure": structure,
            "is_lead": has_role(user=request.user, organisation=assessment.organisation, roles=LEADS),
            "carried_forward": sum(1 for a in structure.answers.values() if a.carried_forward),
            "events": list(assessment.events.select_related("actor").order_by("-created_at", "-id")[:5]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Check your answers, and submit."""
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    structure = selectors.assessment_structure(assessment=assessment, with_detail=True)
    form = SubmitAssessmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment_submit(assessment=assessment, user=request.user, unanswered=structure.total - structure.answered)
        except AssessmentLocked:
            messages.info(request, "This assessment has already been submitted.")
            return redirect("assessment_task_list", pk=assessment.pk)
        except AssessmentIncomplete as incomplete:
            form.add_error(
                None,
                f"You have {incomplete.unanswered} unanswered "
                f"question{'s' if incomplete.unanswered != 1 else ''}. Answer every question, or choose "
                "“Not applicable” where it is offered, before you submit.",
            )
        else:
            return redirect("assessment_submitted", pk=assessment.pk)
    return render(
        request,
        "assessment/check.html",
        {
            "assessment": assessment,
            "structure": structure,
            "form": form,
            "carried_forward": sum(1 for a in structure.answers.values() if a.carried_forward),
        },
    )


@login_required
def assessment_submitted(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    if assessment.is_editable:
        return redirect("assessment_check", pk=assessment.pk)
    return render(request, "assessment/submitted.html", {"assessment": assessment})
