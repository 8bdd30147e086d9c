from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessment import selectors
from assessment.forms import MultiLineTextField, StartAssessmentForm, SubmitAssessmentForm, form_add_service_errors
from assessment.services.assessments import (
    AssessmentIncomplete,
    AssessmentLocked,
    ReturnedThemesUnseen,
    assessment_start,
    assessment_submit,
)
from assessment.services.periods import period_choices, period_for_date
from assessment.services.permissions import Can, allowed_on_page
from assessment.services.reviews import themes_can_be_returned
from assessment.views import AuthenticatedHttpRequest, assessment_for_request

REPLY_MAX_LENGTH = 2000


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
    assessment = assessment_for_request(request, pk)
    structure = selectors.assessment_structure(assessment=assessment)
    can = allowed_on_page(request, assessment.organisation)
    return render(
        request,
        "assessment/task_list.html",
        {
            "assessment": assessment,
            "structure": structure,
            "can": can,
            # Submitted, or back with the officers while the lead may go on returning themes.
            "show_review_link": Can.REVIEW in can
            and (not assessment.is_editable or themes_can_be_returned(assessment=assessment, structure=structure)),
            "events": list(assessment.events.select_related("actor", "theme").order_by("-created_at", "-id")[:5]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Check your answers, and submit."""
    assessment = assessment_for_request(request, pk)
    structure = selectors.assessment_structure(assessment=assessment, with_detail=True)
    returned = structure.themes_returned
    form = SubmitAssessmentForm(request.POST if request.method == "POST" else None)
    error_list: list[tuple[str, str]] = []
    reply_errors: dict[int, str] = {}  # by theme id, shown beside each reply as well as in the summary
    # Replies to the lead about returned themes, kept as typed when the page is shown again with an error.
    replies = {t.theme.id: request.POST.get(f"reply-{t.theme.id}", "") for t in returned}
    # The returned themes the page showed, as it posted them back: one returned since is not submitted unseen.
    shown = set(request.POST.getlist("returned"))
    for progress in returned:
        reply_field = MultiLineTextField(  # its length, and no NUL characters, which PostgreSQL cannot store
            required=False,
            max_length=REPLY_MAX_LENGTH,
            error_messages={
                "max_length": f"Your reply about {progress.theme.title} must be {REPLY_MAX_LENGTH:,} characters or "
                "fewer",
                "null_characters_not_allowed": f"Your reply about {progress.theme.title} contains a character that "
                "cannot be saved: retype it",
            },
        )
        try:
            replies[progress.theme.id] = reply_field.clean(replies[progress.theme.id])
        except ValidationError as error:
            reply_errors[progress.theme.id] = error.messages[0]
    error_list += [(f"#reply-{theme_id}", message) for theme_id, message in reply_errors.items()]
    if request.method == "POST" and form.is_valid() and not error_list:
        try:
            assessment_submit(
                assessment=assessment,
                user=request.user,
                replies={theme_id: text for theme_id, text in replies.items() if str(theme_id) in shown},
            )
        except ReturnedThemesUnseen as unseen:
            for theme in unseen.themes:
                reply_errors[theme.id] = (
                    f"The lead has just returned {theme.title}: read their comment, then submit again"
                )
                error_list.append((f"#reply-{theme.id}", reply_errors[theme.id]))
        except AssessmentLocked:
            messages.info(request, "This assessment has already been submitted.")
            return redirect("assessment_task_list", pk=assessment.pk)
        except AssessmentIncomplete as incomplete:

            def theme_url(progress, anchor: str = "") -> str:
                return reverse("theme_answer", kwargs={"pk": assessment.pk, "theme_key": progress.theme.key}) + anchor

            error_list += [
                (theme_url(t), f"Answer the {t.total - t.answered} unanswered question"
                 f"{'s' if t.total - t.answered != 1 else ''} in {t.theme.title}")
                for t in incomplete.unanswered
            ]  # fmt: skip
            error_list += [
                (theme_url(t, "#carried-forward"), f"Confirm or change the {t.to_confirm} carried-forward "
                 f"answer{'s' if t.to_confirm != 1 else ''} in {t.theme.title}")
                for t in incomplete.to_confirm
            ]  # fmt: skip
        else:
            return redirect("assessment_submitted", pk=assessment.pk)
    error_list += [(f"#{form[name].auto_id}", str(error)) for name, errors in form.errors.items() for error in errors]
    return render(
        request,
        "assessment/check.html",
        {
            "assessment": assessment,
            "structure": structure,
            "form": form,
            "error_list": error_list,
            "returned": returned,
            "replies": replies,
            "reply_errors": reply_errors,
        },
        status=400 if error_list else 200,
    )


@login_required
def assessment_submitted(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for_request(request, pk)
    if assessment.is_editable:
        return redirect("assessment_check", pk=assessment.pk)
    return render(request, "assessment/submitted.html", {"assessment": assessment})
