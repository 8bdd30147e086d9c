"""Reports rendered in the background and kept in the database, so that a download is served at once by any app
server, and no web worker is held for the seconds a render takes.

`report_file_request` is the one way to ask for a report: it returns the stored file when it shows the
assessment as it is now, and otherwise queues a render (once, however many people ask) and returns the row
to show progress from. The submit and sign-off services ask ahead, so the report is usually ready before
anyone opens the results page.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from assessment.models import Assessment, ReportFile
from assessment.selectors import assessment_structure
from assessment.services.queue import tasks_run_inline
from assessment.services.reports import report_fingerprint, report_pdf_render, results_build

logger = logging.getLogger(__name__)

# A render that has not finished in this long has been lost (its worker stopped): asking again queues another.
RENDER_PATIENCE = timedelta(minutes=5)


def report_file_request(*, assessment: Assessment, include_evidence: bool = False, retry: bool = False) -> ReportFile:
    """The report file for the assessment as it is now: ready, being prepared, or failed. Queues a render when
    there is no up-to-date file and none is under way (or the last was lost with its worker), and after a
    failure only when the person asks to try again, so that a report that cannot be rendered is not retried
    by every visit."""
    variant = ReportFile.Variant.EVIDENCE if include_evidence else ReportFile.Variant.SUMMARY
    fingerprint = report_fingerprint(assessment, include_evidence=include_evidence)
    with transaction.atomic():
        # The file itself is read only when it is served, not by each check while it is being prepared.
        report, created = ReportFile.objects.defer("pdf").select_for_update().get_or_create(
            assessment=assessment, variant=variant,
            defaults={"fingerprint": fingerprint, "requested_at": timezone.now()},
        )  # fmt: skip
        current = report.fingerprint == fingerprint
        under_way = report.status == ReportFile.Status.PREPARING and (
            timezone.now() - report.requested_at < RENDER_PATIENCE
        )
        failed = report.status == ReportFile.Status.FAILED and not retry
        if not created and current and (report.status == ReportFile.Status.READY or under_way or failed):
            return report
        report.fingerprint = fingerprint
        report.status = ReportFile.Status.PREPARING
        report.requested_at = timezone.now()
        report.save(update_fields=["fingerprint", "status", "requested_at"])
        # Queued inside the transaction: django-tasks-db writes the task to the same database, so a worker sees it
        # only once this row's new state is committed, and never for a request that rolled back.
        _enqueue(report.pk, fingerprint)
    if tasks_run_inline():
        report.refresh_from_db()  # rendered already
    return report


def _enqueue(report_id: int, fingerprint: str) -> None:
    from assessment.tasks import report_render_task

    report_render_task.enqueue(report_id=report_id, fingerprint=fingerprint)


def report_file_render(*, report_id: int, fingerprint: str) -> None:
    """Render a queued report and store it, unless the assessment has changed since it was asked for (a newer
    render is then queued and this one would be out of date)."""
    report = ReportFile.objects.select_related("assessment").filter(pk=report_id, fingerprint=fingerprint).first()
    if report is None:
        return
    include_evidence = report.variant == ReportFile.Variant.EVIDENCE
    try:
        results = results_build(structure=assessment_structure(assessment=report.assessment, with_detail=True))
        pdf = report_pdf_render(results=results, include_evidence=include_evidence)
    except Exception:
        logger.exception("The report for assessment %s could not be rendered", report.assessment_id)
        # Recorded, not raised: the worker would roll this back with the task, and the page reads this status.
        ReportFile.objects.filter(pk=report_id, fingerprint=fingerprint).update(
            status=ReportFile.Status.FAILED, finished_at=timezone.now()
        )
        return
    ReportFile.objects.filter(pk=report_id, fingerprint=fingerprint).update(
        status=ReportFile.Status.READY, pdf=pdf, finished_at=timezone.now()
    )


def reports_prepare(*, assessment: Assessment) -> None:
    """Queue the report's render as part of a submission or sign-off (in its transaction), so that it is ready
    before anyone asks. Only where a worker renders it: with tasks run inline, rendering ahead would only hold
    up the person submitting, and the download renders it when asked."""
    if not tasks_run_inline():
        report_file_request(assessment=assessment)
