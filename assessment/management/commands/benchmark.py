"""Speed and memory figures for the busy paths, printed rather than asserted (see docs/benchmarks.md).

Run it with `make bench`, which uses a throwaway SQLite database.
"""

import io
import itertools
import resource
import statistics
import time

import pypdf
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.models import Answer, Assessment, BankVersion, Membership, Organisation, ThemeScoreRecord, User
from assessment.selectors import assessment_structure, scoring_input_for_assessment
from assessment.services.reports import report_pdf_render, results_build
from assessment.services.scoring import score_assessment
from config.memory import garbage_collector_tune

SENTENCE = (
    "Evidence reviewed by the digital board: the approved strategy, the last four quarterly performance "
    "reports, the internal audit findings and the staff survey results, with links held on the intranet. "
)
TYPICAL_EVIDENCE = SENTENCE * 2  # about 400 characters, on every answer


def statement_count(queries: CaptureQueriesContext) -> int:
    """Statements other than transaction control: BEGIN and COMMIT here, a savepoint and its release inside a
    test, which are the same transaction."""
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")
    return sum(1 for q in queries.captured_queries if not q["sql"].startswith(control))


def _statements(request) -> int:
    """Statements that `request` runs. The connection's query log (DEBUG) keeps only the last 9,000, and a full
    log makes Django's capture see none, so it is emptied first."""
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        request()
    return statement_count(queries)


def _timings_ms(func, runs: int, before=None) -> list[float]:
    """`before`, untimed, ahead of each run."""
    timings = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _median_and_p95_ms(func, runs: int, before=None) -> tuple[float, float]:
    timings = _timings_ms(func, runs, before)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[-1]


def _median_ms(func, runs: int, before=None) -> float:
    return statistics.median(_timings_ms(func, runs, before))


def _touched(assessment: Assessment):
    """What a saved answer, target or action does to the kept results page: it is drawn again on the next view."""
    return lambda: Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())


class Command(BaseCommand):
    help = "Print scoring, results-page and PDF figures for a complete assessment of the full bank."

    def _complete_assessment(self, version, user, council_name: str, evidence: str) -> Assessment:
        council, _ = Organisation.objects.get_or_create(
            name=council_name, defaults={"council_type": "county", "nation": "england"}
        )
        Membership.objects.get_or_create(user=user, organisation=council, defaults={"role": "lead"})
        assessment, created = Assessment.objects.get_or_create(
            organisation=council, period="2026/27", defaults={"bank_version": version, "created_by": user}
        )
        if created:
            # Every question answered, levels spread 1 to 5 (so about two in five are below target and in the
            # action plan), with evidence on every answer.
            Answer.objects.bulk_create(
                Answer(
                    assessment=assessment,
                    question=q,
                    level=1 + i % 5,
                    evidence=evidence,
                    answered_by=user,
                    answered_at=timezone.now(),
                )  # fmt: skip
                for i, q in enumerate(version.questions.all())
            )
        return assessment

    def _pdf_figures(self, assessment: Assessment) -> None:
        """Cold renders of the report (template and WeasyPrint, nothing cached), in this already warm process."""
        results = results_build(structure=assessment_structure(assessment=assessment, with_detail=True))
        for include_evidence, label, seconds_target, pages_target in (
            (False, "without the evidence annex", 1.0, 20),
            (True, "with the evidence annex", 2.0, 40),
        ):
            pdf = report_pdf_render(results=results, include_evidence=include_evidence)
            pdf_ms = _median_ms(lambda e=include_evidence: report_pdf_render(results=results, include_evidence=e), 5)
            pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
            self.stdout.write(
                f"PDF report {label:<27} {pdf_ms / 1000:6.2f} s    (target at most {seconds_target:.1f} s), "
                f"median of 5; {pages} pages (target at most {pages_target}), {len(pdf) // 1024} KB"
            )

    def _hot_path_figures(self, assessment: Assessment, client: Client) -> None:
        """The pages an officer uses most, in this process (no network, no server), beside a bare view that
        does one query: the floor that Django, the session and the middleware cost on every request."""
        theme = assessment.bank_version.themes.order_by("position")[0]
        question = theme.questions.order_by("position")[0]
        levels = itertools.cycle("12345")

        def results():
            return client.get(reverse("assessment_results", kwargs={"pk": assessment.pk}))

        changed = _touched(assessment)

        autosave_url = reverse("answer_autosave", kwargs={"pk": assessment.pk})
        paths: list[tuple] = [
            ("Floor: /healthz (a SELECT 1 and a cache read)", lambda: client.get(reverse("healthz")), ""),
            ("Task list", lambda: client.get(reverse("assessment_task_list", kwargs={"pk": assessment.pk})), ""),
            (
                f"Theme page ({theme.questions.count()} questions)",
                lambda: client.get(reverse("theme_answer", kwargs={"pk": assessment.pk, "theme_key": theme.key})),
                "target median at most 7 ms, p95 at most 2 x median",
            ),
            ("Results page (kept, as last drawn)", results, "target median at most 30 ms"),
            ("Results page (drawn after a change)", results, "", changed),
            (
                "One autosave (level and evidence)",
                lambda: client.post(autosave_url, {"question": question.pk, "level": next(levels),
                                                   "evidence": TYPICAL_EVIDENCE}),
                "target median at most 10 ms",
            ),
        ]  # fmt: skip
        self.stdout.write("Hot paths in process (median and p95 of 100 after a warm-up; collector tuned as in wsgi):")
        for _, request, *_ in paths:
            if (response := request()).status_code != 200:
                raise CommandError(f"{request} answered {response.status_code}")
        garbage_collector_tune()  # as config/wsgi.py does once the application has loaded
        for label, request, target, *before in paths:
            median, p95 = _median_and_p95_ms(request, runs=100, before=before[0] if before else None)
            if before:
                before[0]()
            statements = _statements(request)
            self.stdout.write(
                f"  {label:<36} median {median:6.2f} ms, p95 {p95:6.2f} ms, {statements:2d} queries"
                + (f"   ({target})" if target else "")
            )

    def _peer_figures(self, version, assessment, client) -> None:
        """The results page again, with 400 other councils × 3 years of stored scores to benchmark against."""
        if not Organisation.objects.filter(name__startswith="Peer council").exists():
            types = [t for t, _ in Organisation.CouncilType.choices]
            councils = Organisation.objects.bulk_create(
                Organisation(name=f"Peer council {n:03d}", council_type=types[n % len(types)], nation="england")
                for n in range(400)
            )
            now = timezone.now()
            peers = Assessment.objects.bulk_create(
                Assessment(
                    organisation=council,
                    bank_version=version,
                    period=period,
                    status="signed_off",
                    submitted_at=now,
                    signed_off_at=now,
                )  # fmt: skip
                for council in councils
                for period in ("2023/24", "2024/25", "2025/26")
            )
            themes = list(version.themes.values_list("key", "title"))
            ThemeScoreRecord.objects.bulk_create(
                ThemeScoreRecord(
                    assessment=peer,
                    theme_key=key,
                    theme_title=title,
                    score=1 + (peer.pk * 7 + i) % 40 / 10,
                    answered=8,
                    applicable=8,
                )  # fmt: skip
                for peer in peers
                for i, (key, title) in enumerate([("", "Overall"), *themes])
            )
        url = reverse("assessment_results", kwargs={"pk": assessment.pk})
        changed = _touched(assessment)
        client.get(url)
        page_ms = _median_ms(lambda: client.get(url), runs=10, before=changed)
        changed()
        statements = _statements(lambda: client.get(url))
        kept_ms = _median_ms(lambda: client.get(url), runs=50)
        self.stdout.write(
            f"Results page with 400 peer councils × 3 years, drawn after a change: {page_ms:6.2f} ms   "
            f"(target under 150 ms), {statements} queries; kept: {kept_ms:6.2f} ms"
        )

    def handle(self, *args, **options):
        call_command("load_question_bank", verbosity=0)
        version = BankVersion.objects.filter(status=BankVersion.Status.PUBLISHED).order_by("-number").first()
        if version is None:
            raise CommandError("No question bank version is published.")
        user = User.objects.filter(email="bench@council.example").first() or User.objects.create_user(
            email="bench@council.example", password=None
        )
        typical = self._complete_assessment(version, user, "Benchmark County Council", TYPICAL_EVIDENCE)
        self.stdout.write(
            f"Full bank (version {version.number}): {version.themes.count()} themes, {version.questions.count()} "
            "questions, every one answered"
        )

        structure = assessment_structure(assessment=typical, with_detail=True)
        scoring_input = scoring_input_for_assessment(structure=structure)
        scoring_ms = _median_ms(lambda: score_assessment(scoring_input), runs=200)
        self.stdout.write(
            f"Scoring (pure function, median of 200):       {scoring_ms:6.2f} ms   (target well under 50 ms)"
        )

        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        self._hot_path_figures(typical, client)
        self._peer_figures(version, typical, client)
        self._pdf_figures(typical)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"Peak memory of this whole process:            {peak_mb:6.0f} MB   (target under 300 MB)")
