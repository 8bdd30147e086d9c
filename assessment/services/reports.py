"""Everything the results page, the PDF report and the exports show, built once from an assessment.

`results_build` is the one place that turns a loaded assessment into scores, charts and per-theme detail;
the web page and the PDF render the same `Results` with the same partials.
"""

import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from assessment.models import Action, Answer, Assessment, AssessmentEvent, Question, ThemeScoreRecord
from assessment.selectors import (
    AssessmentStructure,
    ThemeProgress,
    assessment_structure,
    scoring_input_for_assessment,
)
from assessment.services.benchmarks import (
    GroupBenchmark,
    ThemeTrend,
    council_trends,
    peer_benchmarks,
    peer_group_minimum,
)
from assessment.services.charts import (
    BarChart,
    LineChart,
    RadarChart,
    bar_chart,
    line_chart,
    radar_chart,
    theme_bar_chart,
)
from assessment.services.scoring import AssessmentScores, ThemeScore, score_assessment


@dataclass(frozen=True)
class ThemeDetail:
    progress: ThemeProgress
    score: ThemeScore
    items: list[tuple[Question, Answer | None]]


@dataclass(frozen=True)
class TrendRow:
    trend: ThemeTrend
    chart: LineChart


@dataclass(frozen=True)
class Results:
    assessment: Assessment
    structure: AssessmentStructure
    scores: AssessmentScores
    radar: RadarChart
    theme_bars: BarChart
    pillar_bars: BarChart
    themes: list[ThemeDetail]
    trends: list[ThemeTrend]
    benchmarks: list[GroupBenchmark]
    events: list[AssessmentEvent]
    actions: list[Action]

    @property
    def has_history(self) -> bool:
        return any(len(trend.points) > 1 for trend in self.trends)

    @property
    def trend_rows(self) -> list[TrendRow]:
        return [
            TrendRow(
                trend=trend,
                chart=line_chart(
                    chart_id=f"trend-{trend.key or 'overall'}", title=f"{trend.title} over time", points=trend.points
                ),
            )
            for trend in self.trends
        ]


def results_build(*, structure: AssessmentStructure) -> Results:
    """`structure` must be loaded with `with_detail=True`."""
    scores = score_assessment(scoring_input_for_assessment(structure=structure))
    assessment = structure.assessment
    return Results(
        assessment=structure.assessment,
        structure=structure,
        scores=scores,
        radar=radar_chart(chart_id="theme-radar", themes=scores.themes),
        theme_bars=theme_bar_chart(chart_id="theme-bars", themes=scores.themes),
        pillar_bars=bar_chart(
            chart_id="pillar-bars",
            title="Score by Socitm pillar",
            rows=[(p.label, p.score.value, None) for p in scores.pillars],
        ),
        themes=[
            ThemeDetail(
                progress=progress,
                score=scores.theme(progress.theme.key),
                items=[(q, structure.answers.get(q.id)) for q in progress.questions],
            )
            for progress in structure.themes
        ],
        trends=council_trends(assessment=assessment, scores=scores),
        benchmarks=peer_benchmarks(assessment=assessment, scores=scores),
        events=list(assessment.events.select_related("actor").order_by("created_at", "id")),
        actions=list(assessment.actions.order_by("status", "due_date", "id")),
    )


# The PDF report ----------------------------------------------------------------------------------------------

logger = logging.getLogger(__name__)

# Bump when the report's layout changes, so cached reports are rendered afresh.
REPORT_LAYOUT_VERSION = 3
REPORT_BASE_URL = "file:///"
STATIC_PREFIX = "file:///static/"


class ReportFetchRefused(ValueError):
    pass


class ReportURLFetcher(URLFetcher):
    """Fetches only the service's own static files and data: URIs. Anything else, such as an image address
    smuggled into evidence text, is refused, so rendering a report never touches the network."""

    def __init__(self):
        super().__init__(allowed_protocols=["data", "file"], allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(STATIC_PREFIX):
            relative = url[len(STATIC_PREFIX) :].split("?")[0]
            found = finders.find(relative) if ".." not in relative else None
            if found:
                content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=Path(found).read_bytes(), headers={"Content-Type": content_type})
        self.refused.append(url)
        logger.warning("Report rendering refused to fetch %s", url)
        raise ReportFetchRefused(f"Reports may only use the service's own static files, not {url}")


def report_filename(assessment: Assessment) -> str:
    return f"{slugify(assessment.organisation.name)}-digital-maturity-{assessment.period.replace('/', '-')}.pdf"


def report_html(*, results: Results) -> str:
    assessment = results.assessment
    return render_to_string(
        "reports/assessment_report.html",
        {
            "results": results,
            "assessment": assessment,
            "scores": results.scores,
            "generated_at": timezone.localtime(),
            "service_name": settings.SERVICE_NAME,
            "peer_minimum": peer_group_minimum(),
        },
    )


def report_pdf_render(*, results: Results, fetcher: ReportURLFetcher | None = None) -> bytes:
    """Render the accessible, tagged PDF (PDF/UA-1)."""
    document = HTML(
        string=report_html(results=results), base_url=REPORT_BASE_URL, url_fetcher=fetcher or ReportURLFetcher()
    )
    return document.write_pdf(pdf_variant="pdf/ua-1")


def report_cache_key(assessment: Assessment) -> str:
    """Changes with the assessment (any saved answer, target or status moves `updated_at`) and with the
    latest stored score on its bank version, since another council's submission moves the benchmarks."""
    latest_scores = ThemeScoreRecord.objects.filter(assessment__bank_version_id=assessment.bank_version_id).aggregate(
        latest=Max("id")
    )["latest"]
    return f"report-pdf:{assessment.pk}:{assessment.updated_at.timestamp()}:{latest_scores}:{REPORT_LAYOUT_VERSION}"


def report_pdf_for_assessment(*, assessment: Assessment) -> bytes:
    """The report for an assessment as it is now: from the cache when nothing has changed since it was last
    rendered (any saved answer or target moves `updated_at`), otherwise rendered and cached."""
    key = report_cache_key(assessment)
    pdf = cache.get(key)
    if pdf is None:
        results = results_build(structure=assessment_structure(assessment=assessment, with_detail=True))
        pdf = report_pdf_render(results=results)
        cache.set(key, pdf, timeout=60 * 60 * 24 * 7)
    return pdf
