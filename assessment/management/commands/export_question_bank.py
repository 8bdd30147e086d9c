from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.models import BankVersion
from assessment.services.question_banks import bank_version_serialise


class Command(BaseCommand):
    help = "Write a question bank version as JSON or YAML (default: the published version of the only bank)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version means the bank version; it replaces Django's --version (the Django release).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--version", type=int, help="Version number (default: the published version)")
        parser.add_argument("--bank", help="Bank key, when there is more than one bank")
        parser.add_argument("--format", choices=["json", "yaml"], default="json")
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: standard output)")

    def handle(self, *args, version: int | None, bank: str | None, format: str, output: Path | None, **options):
        versions = BankVersion.objects.select_related("bank")
        if bank:
            versions = versions.filter(bank__key=bank)
        elif versions.values("bank").distinct().count() > 1:
            raise CommandError("There is more than one bank: name one with --bank.")
        if version is not None:
            chosen = versions.filter(number=version).first()
        else:
            chosen = versions.filter(status=BankVersion.Status.PUBLISHED).first()
        if chosen is None:
            raise CommandError("No such version. List them in the admin, or pass --version N.")
        text = bank_version_serialise(version=chosen, fmt=format)
        if output:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {chosen} to {output}")
        else:
            self.stdout.write(text, ending="")
