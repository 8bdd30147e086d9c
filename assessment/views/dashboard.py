from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from assessment import selectors
from assessment.views import AuthenticatedHttpRequest

ASSESSMENTS_PER_PAGE = 20


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = list(selectors.organisations_for_user(user=request.user))
    page = Paginator(selectors.assessments_for_user(user=request.user), ASSESSMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    assessments = list(page.object_list)
    progress = selectors.assessment_progress_by_id(assessments=assessments)
    events = selectors.assessment_events_latest(assessments=assessments)
    rows = [(assessment, progress[assessment.id], events.get(assessment.id)) for assessment in assessments]
    return render(
        request,
        "assessment/dashboard.html",
        {
            "organisations": organisations,
            "page": page,
            "rows": rows,
            "assigned": list(selectors.assignments_for_user(user=request.user)),
        },
    )
