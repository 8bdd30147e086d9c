from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from assessment import selectors
from assessment.forms import TargetChoice, TargetsForm
from assessment.models import ReportFile
from assessment.services.assessments import question_targets_set, theme_targets_set
from assessment.services.exports import EXPORT_KINDS, table_for, to_csv, to_xlsx
from assessment.services.permissions import Can, allowed_on_page, require_on_page
from assessment.services.report_files import report_file_request
from assessment.services.reports import report_filename, results_build
from assessment.services.results_page import PageBody, results_page_body
from assessment.templatetags.maturity import basis
from assessment.views import AuthenticatedHttpRequest, assessment_for_request


@login_required
def assessment_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for_request(request, pk)
    can = allowed_on_page(request, assessment.organisation)
    body = PageBody(
        results_page_body(
            assessment=assessment,
            # Leads can take a recommendation on as an action straight from the plan.
            can_manage_actions=Can.MANAGE_ACTIONS in can,
            can_set_targets=Can.SET_TARGETS in can,
        )
    )
    response = render(request, "assessment/results.html", {"assessment": assessment, "body": body})
    body.release()  # the context that holds it waits for the garbage collector; the body need not
    return response


@login_required
@require_safe
def assessment_report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PDF at once when it is ready (it is rendered in the background, usually ahead of time); otherwise a
    page that shows it is being prepared and offers it when it is."""
    assessment = assessment_for_request(request, pk)
    include_evidence = request.GET.get("evidence") == "1"
    retry = request.GET.get("retry") == "1"
    report = report_file_request(assessment=assessment, include_evidence=include_evidence, retry=retry)
    if report.status == ReportFile.Status.READY and report.pdf is not None:
        response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{report_filename(assessment, include_evidence=include_evidence)}"'
        )
        return response
    failed = report.status == ReportFile.Status.FAILED
    report_url = reverse("assessment_report_pdf", kwargs={"pk": assessment.pk}) + (
        "?evidence=1" if include_evidence else ""
    )
    return render(
        request,
        "reports/preparing.html",
        {
            "assessment": assessment,
            "report_url": report_url,
            "retry_url": report_url + ("&" if include_evidence else "?") + "retry=1",
            "failed": failed,
            "include_evidence": include_evidence,
        },
        status=503 if failed else 202,
    )


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
@require_safe
def assessment_export(request: AuthenticatedHttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    if kind not in EXPORT_KINDS or fmt not in EXPORT_TYPES:
        raise Http404("No such export")
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)  # a file, no page
    results = results_build(structure=selectors.assessment_structure(assessment=assessment, with_detail=True))
    header, rows = table_for(results, kind)
    content = to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, sheet_title=kind.title())
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    stem = report_filename(assessment).removesuffix(".pdf")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{kind}.{fmt}"'
    return response


def _targets_page(request, *, assessment, choices, save, template_context: dict) -> HttpResponse:
    form = TargetsForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.levels())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The targets have been saved.")
            return redirect("assessment_results", pk=assessment.pk)
    return render(request, "assessment/targets.html", {"assessment": assessment, "form": form, **template_context})


@login_required
@require_http_methods(["GET", "POST"])
def assessment_targets(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for_request(request, pk)
    require_on_page(request, assessment.organisation, action=Can.SET_TARGETS)
    results = results_build(structure=selectors.assessment_structure(assessment=assessment, with_detail=True))
    choices = [
        TargetChoice(
            obj=detail.theme,
            field_name=f"theme-{detail.theme.id}",
            label=detail.theme.title,
            hint=f"Score now: {basis(detail.score.score)}.",
            default_label=f"The question bank's target (level {detail.theme.default_target})",
            current=target.level if (target := results.structure.targets.get(detail.theme.id)) else None,
        )
        for detail in results.themes
    ]
    return _targets_page(
        request,
        assessment=assessment,
        choices=choices,
        save=lambda levels: theme_targets_set(assessment=assessment, user=request.user, levels=levels),
        template_context={"themes": [detail.theme for detail in results.themes], "theme": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_question_targets(request: AuthenticatedHttpRequest, pk: int, theme_key: str) -> HttpResponse:
    assessment = assessment_for_request(request, pk)
    require_on_page(request, assessment.organisation, action=Can.SET_TARGETS)
    results = results_build(structure=selectors.assessment_structure(assessment=assessment, with_detail=True))
    detail = next((d for d in results.themes if d.theme.key == theme_key), None)
    if detail is None:
        raise Http404("No such theme in this assessment")
    choices = [
        TargetChoice(
            obj=item.question,
            field_name=f"question-{item.question.id}",
            label=f"{item.number}. {item.question.text}",
            hint=f"Answer now: {f'level {item.score.level}' if item.score.level else 'not answered at a level'}.",
            default_label=f"The theme's target (level {detail.score.target})",
            current=target.level if (target := results.structure.question_targets.get(item.question.id)) else None,
        )
        for item in detail.questions
    ]
    return _targets_page(
        request,
        assessment=assessment,
        choices=choices,
        save=lambda levels: question_targets_set(assessment=assessment, user=request.user, levels=levels),
        template_context={"themes": [], "theme": detail.theme},
    )
