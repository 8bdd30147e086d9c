from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessment import selectors
from assessment.services.scoring import score_assessment


@login_required
def assessment_results(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    structure = selectors.assessment_structure(assessment=assessment, with_detail=True)
    scores = score_assessment(selectors.scoring_input_for_assessment(structure=structure))
    themes = [
        {
            "progress": progress,
            "score": scores.theme(progress.theme.key),
            "items": [(question, structure.answers.get(question.id)) for question in progress.questions],
        }
        for progress in structure.themes
    ]
    return render(
        request,
        "assessment/results.html",
        {"assessment": assessment, "structure": structure, "scores": scores, "themes": themes},
    )
