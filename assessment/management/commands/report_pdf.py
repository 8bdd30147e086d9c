from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.models import Assessment
from assessment.selectors import assessment_structure
from assessment.services.reports import report_filename, report_pdf_render, results_build


class Command(BaseCommand):
    help = "Render an assessment's PDF report, exactly as the service's download does."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: the download's file name)")
        parser.add_argument("--evidence", action="store_true", help="Include the annex of answers and evidence")

    def handle(self, *args, assessment_id: int, output: Path | None, evidence: bool, **options):
        assessment = (
            Assessment.objects.select_related("organisation", "bank_version__bank").filter(pk=assessment_id).first()
        )
        if assessment is None:
            raise CommandError(f"There is no assessment {assessment_id}.")
        results = results_build(structure=assessment_structure(assessment=assessment, with_detail=True))
        target = output or Path(report_filename(assessment, include_evidence=evidence))
        target.write_bytes(report_pdf_render(results=results, include_evidence=evidence))
        self.stdout.write(self.style.SUCCESS(f"Wrote {target} ({target.stat().st_size // 1024} KB)"))
