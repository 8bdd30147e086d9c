"""The sector view for platform administrators: aggregates only, never a council's name."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessment import selectors
from assessment.services.benchmarks import peer_group_minimum, sector_medians
from assessment.services.exports import to_csv
from assessment.services.scoring import shown


def _version(request: HttpRequest):
    versions = list(selectors.published_bank_versions())
    return versions[0] if versions else None


@staff_member_required
def sector_view(request: HttpRequest) -> HttpResponse:
    version = _version(request)
    themes, rows = sector_medians(bank_version_id=version.id) if version else ([], [])
    return render(
        request,
        "sector/sector.html",
        {"version": version, "themes": themes, "rows": rows, "minimum": peer_group_minimum()},
    )


@staff_member_required
def sector_csv(request: HttpRequest) -> HttpResponse:
    version = _version(request)
    themes, rows = sector_medians(bank_version_id=version.id) if version else ([], [])
    header = (
        ["Council type"] + [f"{title} (median)" for _, title in themes] + [f"{title} (councils)" for _, title in themes]
    )
    table = [
        [label] + [shown(c.median) if c.median is not None else "" for c in cells] + [c.councils for c in cells]
        for label, cells in rows
    ]
    response = HttpResponse(to_csv(header, table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sector-digital-maturity-medians.csv"'
    return response
