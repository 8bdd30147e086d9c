"""Background tasks (Django's tasks framework). Each is a thin wrapper round a service, so that what it does
can be called and tested directly."""

from django.tasks import task

from assessment.services.report_files import report_file_render
from assessment.services.teams import invitation_email_deliver


@task()
def report_render_task(*, report_id: int, fingerprint: str) -> None:
    report_file_render(report_id=report_id, fingerprint=fingerprint)


@task()
def invitation_email_task(*, invitation_id: int, base_url: str, attempt: int = 0) -> None:
    invitation_email_deliver(invitation_id=invitation_id, base_url=base_url, attempt=attempt)
