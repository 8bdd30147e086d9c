from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessment.services.demo import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Create demo councils, people and a submitted assessment. Local runs only: refuses when DEBUG is off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it only runs with DEBUG=true "
                "(local development). It has not changed anything."
            )
        try:
            logins = demo_seed()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with any of these accounts:"))
        for login in logins:
            self.stdout.write(f"  {login.email:<32} {login.description}")
        self.stdout.write(f"  Password for every demo account: {DEMO_PASSWORD}")
