from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from assessment import selectors
from assessment.forms import ThemeTargetsForm
from assessment.services.assessments import TARGET_SETTERS, theme_targets_set
from assessment.services.benchmarks import peer_group_minimum
from assessment.services.exports import table_for, to_csv, to_xlsx
from assessment.services.reports import report_filename, report_pdf_for_assessment, results_build
from assessment.views import AuthenticatedHttpRequest


def _can_set_targets(request: AuthenticatedHttpRequest, assessment) -> bool:
    role = selectors.membership_role(user=request.user, organisation=assessment.organisation)
    return role is not None and role in TARGET_SETTERS


@login_required
def assessment_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    results = results_build(structure=selectors.assessment_structure(assessment=assessment, with_detail=True))
    is_lead = _can_set_targets(request, assessment)
    return render(
        request,
        "assessment/results.html",
        {
            "assessment": assessment,
            "results": results,
            "can_set_targets": is_lead,
            "peer_minimum": peer_group_minimum(),
            # Leads can take a recommendation on as an action straight from the plan.
            "actions_url": reverse("assessment_actions", kwargs={"pk": assessment.pk}) if is_lead else "",
        },
    )


@login_required
def assessment_report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(report_pdf_for_assessment(assessment=assessment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(assessment)}"'
    return response


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def assessment_export(request: AuthenticatedHttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    if kind not in ("answers", "scores") or fmt not in EXPORT_TYPES:
        raise Http404("No such export")
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    results = results_build(structure=selectors.assessment_structure(assessment=assessment, with_detail=True))
    header, rows = table_for(results, kind)
    content = to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, sheet_title=kind.title())
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    stem = report_filename(assessment).removesuffix(".pdf")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{kind}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def assessment_targets(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    if not _can_set_targets(request, assessment):
        raise PermissionDenied("Only the council's lead can set targets")
    results = results_build(structure=selectors.assessment_structure(assessment=assessment, with_detail=True))
    themes = [detail.progress.theme for detail in results.themes]
    form = ThemeTargetsForm(
        request.POST if request.method == "POST" else None,
        themes=themes,
        current={t.theme_id: t.level for t in results.structure.targets.values()},
        scores={s.key: s for s in results.scores.themes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            theme_targets_set(assessment=assessment, user=request.user, levels=form.levels())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The targets have been saved.")
            return redirect("assessment_results", pk=assessment.pk)
    return render(request, "assessment/targets.html", {"assessment": assessment, "form": form})
