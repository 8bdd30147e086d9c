"""Everything the results page, the PDF report and the exports show, built once from an assessment.

`results_build` is the one place that turns a loaded assessment into scores, charts and per-theme detail;
the web page and the PDF render the same `Results` with the same partials.
"""

import gc
import logging
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import F, Func, OuterRef, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from assessment.models import (
    Action,
    Answer,
    Assessment,
    AssessmentEvent,
    EvidenceItem,
    Question,
)
from assessment.selectors import (
    AssessmentStructure,
    ThemeProgress,
    scoring_input_for_assessment,
)
from assessment.services import code_version
from assessment.services.benchmarks import (
    COUNTED_STATUSES,
    OVERALL,
    GroupBenchmark,
    ThemeBenchmark,
    ThemeTrend,
    council_trends,
    peer_benchmarks,
    peer_group_minimum,
    score_records_for_comparison,
)
from assessment.services.charts import (
    BarChart,
    LineChart,
    RadarChart,
    StripPlot,
    bar_chart,
    benchmark_strip_plot,
    line_chart,
    radar_chart,
    theme_bar_chart,
)
from assessment.services.glossary import abbreviations_used
from assessment.services.scoring import (
    ActionItem,
    AssessmentScores,
    QuestionScore,
    ThemeScore,
    change_text,
    score_assessment,
    score_text,
)


@dataclass(frozen=True)
class QuestionResult:
    """Everything the page and the PDF show about one question, decided here so that templates only format."""

    number: int  # its number within its theme
    question: Question
    answer: Answer | None
    score: QuestionScore
    descriptor: str  # what the chosen level looks like
    evidence_items: list[EvidenceItem]

    @property
    def anchor(self) -> str:
        return f"question-{self.question.key}"

    @property
    def evidence_status(self) -> str:
        if self.evidence_items:
            count = len(self.evidence_items)
            return f"{count} item{'s' if count != 1 else ''}"
        if self.score.unverified:
            return "Unverified"
        if self.answer is not None and self.answer.evidence.strip():
            return "Notes only"
        return "None"

    @property
    def next_step(self) -> str:
        step = self.score.next_step
        return step[0] if step else ""


@dataclass(frozen=True)
class ThemeDetail:
    progress: ThemeProgress
    score: ThemeScore
    questions: list[QuestionResult]
    peer_median: float | None
    trend: ThemeTrend | None  # its scores over the council's counted assessments, ending with this one

    @property
    def theme(self):
        return self.progress.theme


@dataclass(frozen=True)
class TrendRow:
    trend: ThemeTrend
    chart: LineChart


@dataclass(frozen=True)
class PlannedAction:
    """An action-plan item with the action the council has taken on for it, if any."""

    item: ActionItem
    action: Action | None


@dataclass(frozen=True)
class BenchmarkPlot:
    group: GroupBenchmark
    plot: StripPlot


@dataclass(frozen=True)
class BenchmarkRow:
    """One theme against every peer group at once, for the report's single comparison table."""

    title: str
    own: float | None
    medians: list[float | None]  # one per group in `Results.comparable_groups`
    position: str  # where the council sits in the first group


@dataclass(frozen=True)
class FrameworkRow:
    framework: str
    ref: str
    weakest: int | None
    questions: str  # "Cyber security 2, 5; Data 1"


@dataclass(frozen=True)
class SourceCitation:
    title: str
    publisher: str
    year: int
    questions: int  # how many of the assessment's questions quote it


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
    benchmark_plots: list[BenchmarkPlot]
    actions: list[Action]
    action_plan: list[PlannedAction]
    key_messages: list[str]

    @cached_property
    def events(self) -> list[AssessmentEvent]:
        """The status history, which only the PDF shows: read when it is first drawn."""
        return list(self.assessment.events.select_related("actor", "theme").order_by("created_at", "id"))

    @property
    def is_provisional(self) -> bool:
        """A draft's scores may still change: every score shown says so."""
        return self.assessment.is_editable

    @property
    def provisional_label(self) -> str:
        overall = self.scores.overall
        return f"Provisional: {overall.answered} of {overall.applicable} questions answered"

    @property
    def summary_actions(self) -> list[PlannedAction]:
        return self.action_plan[: len(self.scores.summary_actions)]

    @property
    def unverified(self) -> list[QuestionResult]:
        return [q for theme in self.themes for q in theme.questions if q.score.unverified]

    @property
    def unverified_by_theme(self) -> list[tuple[str, str]]:
        """(theme title, "questions 2, 5 and 7"): the unverified claims by their numbers in the theme tables, so a
        report with many stays short."""
        rows = []
        for theme in self.themes:
            numbers = [str(q.number) for q in theme.questions if q.score.unverified]
            if numbers:
                rows.append((theme.theme.title, f"question{'s' if len(numbers) > 1 else ''} {and_list(numbers)}"))
        return rows

    @property
    def critical_alerts(self) -> list[tuple[ThemeDetail, QuestionResult]]:
        return [(theme, q) for theme in self.themes for q in theme.questions if q.score.critical_alert]

    @property
    def comparable_groups(self) -> list[GroupBenchmark]:
        return [group for group in self.benchmarks if group.compares]

    @property
    def benchmark_rows(self) -> list[BenchmarkRow]:
        groups = self.comparable_groups
        if not groups:
            return []
        by_group = [{t.key: t for t in group.themes} for group in groups]
        rows = []
        for key in [OVERALL, *(theme.key for theme in self.scores.themes)]:
            compared = [themes[key] for themes in by_group if key in themes]
            if not compared:
                continue  # named below the table (`benchmarks_not_compared`)
            medians = [themes[key].median if key in themes else None for themes in by_group]
            first = by_group[0].get(key)
            position = first.position if first is not None else "Not compared"
            rows.append(BenchmarkRow(compared[0].short_title, compared[0].own, medians, position))
        return rows

    @property
    def benchmarks_not_compared(self) -> list[str]:
        """The council's scores that no peer group compares (too few councils answered the same questions)."""
        groups = self.comparable_groups
        if not groups:
            return []
        return [title for title in groups[0].not_compared if all(title in g.not_compared for g in groups[1:])]

    @property
    def framework_rows(self) -> list[FrameworkRow]:
        """Framework coverage with each question named by its theme's short title and its number."""
        labels = {
            item.question.key: (theme.score.short_title, item.number)
            for theme in self.themes
            for item in theme.questions
        }
        rows = []
        for coverage in self.scores.frameworks:
            by_theme: dict[str, list[str]] = {}
            for question in coverage.questions:
                theme, number = labels[question.key]
                by_theme.setdefault(theme, []).append(str(number))
            named = "; ".join(f"{theme} {', '.join(numbers)}" for theme, numbers in by_theme.items())
            rows.append(FrameworkRow(coverage.framework, coverage.ref, coverage.weakest, named))
        return rows

    @property
    def sources(self) -> list[SourceCitation]:
        counts: dict[tuple[str, str, int], int] = {}
        for theme in self.themes:
            for item in theme.questions:
                for source in {(s.title, s.publisher, s.year) for s in item.question.sources.all()}:
                    counts[source] = counts.get(source, 0) + 1
        return [
            SourceCitation(title=title, publisher=publisher, year=year, questions=count)
            for (title, publisher, year), count in sorted(counts.items(), key=lambda entry: (-entry[0][2], entry[0][0]))
        ]

    @property
    def answers_below_target_on_target_themes(self) -> tuple[int, int] | None:
        """(themes, answers): how many themes at or above target on average still have answers below target, and
        how many answers. The PDF says it once under the dashboard, where a line per theme would push the
        dashboard off page 1; the page says it in each theme's row."""
        counts = [t.score.answers_below_target_on_target_theme for t in self.themes]
        themes = sum(1 for count in counts if count)
        return (themes, sum(counts)) if themes else None

    @property
    def has_history(self) -> bool:
        return any(len(trend.points) > 1 for trend in self.trends)

    def _questions(self) -> list[QuestionResult]:
        return [q for theme in self.themes for q in theme.questions]

    def _shown_texts(self) -> list[str]:
        """What the page and the report show of the bank: theme titles, questions, next steps, the action plan."""
        questions = self._questions()
        return (
            [theme.theme.title for theme in self.themes]
            + [*(q.question.text for q in questions), *(q.next_step for q in questions)]
            + [planned.item.text for planned in self.action_plan]
        )

    @cached_property
    def abbreviations(self) -> list[tuple[str, str]]:
        """The abbreviations in what the page and the report show, spelt out."""
        return abbreviations_used(self._shown_texts())

    @cached_property
    def abbreviations_with_evidence(self) -> list[tuple[str, str]]:
        """And in what the report's evidence annex adds: each answer's level descriptor, notes and evidence items."""
        annex = [
            text
            for q in self._questions()
            for text in (q.descriptor, q.answer.evidence if q.answer else "")
            + tuple(f"{item.description} {item.owner}" for item in q.evidence_items)
        ]
        return abbreviations_used(self._shown_texts() + annex)

    @property
    def peer_minimum(self) -> int:
        """The fewest councils a peer figure is drawn from, for the page to say why it shows none."""
        return peer_group_minimum()

    @property
    def has_peer_medians(self) -> bool:
        return any(theme.peer_median is not None for theme in self.themes)

    @property
    def targets_set_by_lead(self) -> bool:
        """Whether the lead set any theme's target (marked * on the dashboard), rather than the bank's default."""
        return any(not theme.score.target_is_default for theme in self.themes)

    @property
    def trend_questions_changed(self) -> bool:
        """Whether a new edition of the question bank changed the questions of any theme since last time."""
        return any(not trend.same_questions for trend in self.trends)

    @property
    def overall_trend(self) -> ThemeTrend | None:
        return next((t for t in self.trends if t.key == OVERALL), None)

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


def and_list(items: list[str]) -> str:
    """ "A", "A and B", "A, B and C": a list (of at least one) as a sentence says it."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def key_messages_build(
    *, scores: AssessmentScores, trends: list[ThemeTrend], peers: GroupBenchmark | None = None
) -> list[str]:
    """Three messages for a chief executive, drawn from the figures: the critical alerts, the largest gaps to
    target, and the change since last time; and a fourth where the council is behind most of its peers (`peers`:
    the councils of its type, when there are enough to compare)."""
    alerts = scores.critical_alerts
    if alerts:
        by_theme: dict[str, int] = {}
        for alert in alerts:
            title = scores.theme(alert.theme_key).title
            by_theme[title] = by_theme.get(title, 0) + 1
        where = and_list([f"{title} ({count})" for title, count in by_theme.items()])
        count = len(alerts)
        unevidenced = sum(1 for alert in alerts if alert.unverified)
        missing = count - unevidenced
        parts = [f"this baseline control is {alerts[0].critical_alert_reason}"] if count == 1 else []
        if missing and count > 1:
            parts.append(f"{missing} baseline control{'s are' if missing != 1 else ' is'} not in place")
        if unevidenced and count > 1:
            noun = "" if missing else f" baseline control{'s' if unevidenced != 1 else ''}"
            parts.append(f"{unevidenced}{noun} {'are' if unevidenced != 1 else 'is'} claimed without evidence")
        why = and_list(parts)
        first = (
            f"{count} critical alert{'s' if count != 1 else ''} in {where}: {why}, so "
            f"{'they come' if count != 1 else 'it comes'} first in the action plan."
        )
    else:
        first = (
            "No critical alerts: every baseline control (such as backups and incident response) is at level 3 or "
            "above, with evidence."
        )
    gaps = scores.biggest_gaps
    if gaps:
        listed = and_list([f"{t.title} ({score_text(t.score.value)} against a target of {t.target})" for t in gaps])
        alerts_first = ", critical alerts first," if any(t.critical_alerts for t in gaps) else ""
        second = f"The largest gaps to target{alerts_first} are in {listed}."
    elif any(t.score.is_rankable for t in scores.themes):
        second = "Every theme answered enough to judge has reached its target."
    else:
        second = "Too few questions are answered yet to say where the largest gaps are."
    behind = _behind_peers_message(peers) if peers is not None else ""
    return [first, second, _change_message(trends), *([behind] if behind else [])]


def _behind_peers_message(peers: GroupBenchmark) -> str:
    """Where the council is below the lower quartile of its peers, overall and by theme ("" where nowhere)."""
    below = [t for t in peers.themes if t.is_below_lower_quartile]
    if not below:
        return ""
    overall = next((t for t in below if t.key == OVERALL), None)
    themes = sorted((t for t in below if t.key != OVERALL), key=lambda t: (t.own or 0) - t.median)

    def against(t: ThemeBenchmark) -> str:
        return f"{t.title} ({score_text(t.own)} against a median of {score_text(t.median)})"

    if len(themes) > 3:
        every = len(themes) == sum(1 for t in peers.themes if t.key != OVERALL)
        where = f"in {'every theme' if every else f'{len(themes)} themes'}, furthest behind in {against(themes[0])}"
    else:
        where = f"in {and_list([against(t) for t in themes])}" if themes else ""
    if overall is not None:
        overall_text = f"overall ({score_text(overall.own)} against a median of {score_text(overall.median)})"
        where = f"{overall_text} and {where}" if where else overall_text
    return f"Among {peers.counted_in_sentence}, the council is below the lower quartile {where}."


def _largest_move(moves: list[ThemeTrend], word: str) -> str:
    """ "the largest rise was in Data (+1.0)", or, where several themes share it, who shares it."""
    size = moves[0].change or 0
    tied = [t.title for t in moves if t.change == size]
    if len(tied) == 1:
        return f"the largest {word} was in {tied[0]} ({change_text(size)})"
    named = tied if len(tied) <= 3 else [*tied[:2], f"{len(tied) - 2} other themes"]
    return f"the largest {word}, {change_text(size)}, was shared by {and_list(named)}"


def _change_message(trends: list[ThemeTrend]) -> str:
    """The change since the council's last assessment, overall and the largest rise and fall among themes,
    never across questions that a new edition of the question bank changed."""
    overall = next((t for t in trends if t.key == OVERALL), None)
    if overall is None or len(overall.points) < 2:
        return "This is the council's first assessment in this service, so there is no change to report yet."
    earlier = overall.points[-2][0]
    if not overall.same_questions:
        message = (
            f"Overall maturity was {score_text(overall.previous)} in {earlier} and is {score_text(overall.current)} "
            "now, but a new edition of the question bank changed the questions, so the two are not like-for-like."
        )
    elif overall.change is None:
        message = f"Overall maturity cannot be compared with {earlier}, as one of the two has no score."
    elif overall.change:
        direction = "rose" if overall.change > 0 else "fell"
        message = (
            f"Overall maturity {direction} from {score_text(overall.previous)} in {earlier} "
            f"to {score_text(overall.current)}."
        )
    else:
        message = f"Overall maturity stayed at {score_text(overall.current)}, as in {earlier}."
    changes = [t for t in trends if t.key != OVERALL and t.change]  # None where the questions changed
    rises = sorted((t for t in changes if (t.change or 0) > 0), key=lambda t: -(t.change or 0))
    falls = sorted((t for t in changes if (t.change or 0) < 0), key=lambda t: t.change or 0)
    moves = ([_largest_move(rises, "rise")] if rises else []) + ([_largest_move(falls, "fall")] if falls else [])
    if moves:
        sentence = "; ".join(moves)
        among = "Among themes whose questions did not change, " if not overall.same_questions else ""
        sentence = f"{among}{sentence}" if among else f"{sentence[0].upper()}{sentence[1:]}"
        message += f" {sentence}."
    return message


def results_build(*, structure: AssessmentStructure) -> Results:
    """`structure` must be loaded with `with_detail=True`."""
    scores = score_assessment(scoring_input_for_assessment(structure=structure))
    assessment = structure.assessment
    records = score_records_for_comparison(assessment=assessment)
    trends = council_trends(assessment=assessment, scores=scores, records=records)
    benchmarks = peer_benchmarks(assessment=assessment, scores=scores, records=records)
    same_type = benchmarks[0] if benchmarks and benchmarks[0].enough else None
    medians = {t.key: t.median for t in same_type.themes} if same_type else {}
    trend_by_theme = {t.key: t for t in trends}
    actions = list(assessment.actions.order_by("status", "due_date", "id"))
    action_for_question: dict[str, Action] = {}
    for action in actions:
        if action.question_key and action.status != Action.Status.DONE:
            action_for_question.setdefault(action.question_key, action)
    themes = []
    for progress in structure.themes:
        theme_score = scores.theme(progress.theme.key)
        questions = []
        for number, (question, question_score) in enumerate(
            zip(progress.questions, theme_score.questions, strict=True), start=1
        ):
            answer = structure.answers.get(question.id)
            level = answer.level if answer else None
            questions.append(
                QuestionResult(
                    number=number,
                    question=question,
                    answer=answer,
                    score=question_score,
                    descriptor=next((d.descriptor for d in question.levels.all() if d.level == level), ""),
                    evidence_items=structure.evidence_items.get(question.id, []),
                )
            )
        themes.append(
            ThemeDetail(
                progress=progress,
                score=theme_score,
                questions=questions,
                peer_median=medians.get(progress.theme.key),
                trend=trend_by_theme.get(progress.theme.key),
            )
        )
    return Results(
        assessment=assessment,
        structure=structure,
        scores=scores,
        radar=radar_chart(chart_id="theme-radar", themes=scores.themes),
        theme_bars=theme_bar_chart(chart_id="theme-bars", themes=scores.themes),
        pillar_bars=bar_chart(
            chart_id="pillar-bars",
            title="Score by Socitm pillar",
            rows=[(p.label, p.score.shown, None) for p in scores.pillars],
        ),
        themes=themes,
        trends=trends,
        benchmarks=benchmarks,
        benchmark_plots=[
            BenchmarkPlot(
                group=group,
                plot=benchmark_strip_plot(
                    chart_id=f"benchmark-{index}", group=group.name_in_sentence, themes=group.themes
                ),
            )
            for index, group in enumerate(benchmarks)
            if group.compares
        ],
        actions=actions,
        action_plan=[
            PlannedAction(item=item, action=action_for_question.get(item.question_key)) for item in scores.action_plan
        ],
        # Councils of its type where there are enough of them; otherwise the first wider group that compares.
        key_messages=key_messages_build(
            scores=scores, trends=trends, peers=next((g for g in benchmarks if g.compares), None)
        ),
    )


# The PDF report ----------------------------------------------------------------------------------------------

logger = logging.getLogger(__name__)

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


def report_filename(assessment: Assessment, *, include_evidence: bool = False) -> str:
    stem = f"{slugify(assessment.organisation.name)}-digital-maturity-{assessment.period.replace('/', '-')}"
    return f"{stem}-with-evidence.pdf" if include_evidence else f"{stem}.pdf"


def report_html(*, results: Results, include_evidence: bool = False) -> str:
    assessment = results.assessment
    return render_to_string(
        "reports/assessment_report.html",
        {
            "results": results,
            "assessment": assessment,
            "scores": results.scores,
            "include_evidence": include_evidence,
            "abbreviations": results.abbreviations_with_evidence if include_evidence else results.abbreviations,
            "generated_at": timezone.localtime(),
            "service_name": settings.SERVICE_NAME,
        },
    )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """WeasyPrint builds hundreds of thousands of short-lived objects that reference each other; Python's cyclic
    garbage collector scanning them mid-render costs about a quarter of the render time. Pause it for the render
    and collect once afterwards, so memory is returned as before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect(0)  # only what the render created: the rest of the heap need not be scanned again


def report_pdf_render(
    *, results: Results, include_evidence: bool = False, fetcher: ReportURLFetcher | None = None
) -> bytes:
    """Render the accessible, tagged PDF (PDF/UA-1). The evidence annex (every answer with its notes and
    evidence items) is optional: it doubles the length."""
    html = report_html(results=results, include_evidence=include_evidence)
    with _cyclic_gc_paused():
        document = HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=fetcher or ReportURLFetcher())
        return document.write_pdf(pdf_variant="pdf/ua-1")


def _single_value(queryset: QuerySet, expression: Func) -> Subquery:
    """`expression` (an SQL aggregate such as COUNT) over all of `queryset`, as a subquery. Written as a function
    rather than Django's Count or Max, which would group by the rows' own columns inside a subquery."""
    return Subquery(queryset.order_by().annotate(value=expression).values("value")[:1])


@dataclass(frozen=True)
class ResultsVersion:
    """What an assessment's results are drawn from, as of one moment (`results_version`)."""

    key: str  # changes whenever anything the results page or the report shows changes
    assessment_updated_at: datetime
    council_updated_at: datetime

    def matches(self, assessment: Assessment) -> bool:
        """Whether `assessment` (and its council), as read earlier, is still what the results are drawn from."""
        return (self.assessment_updated_at, self.council_updated_at) == (
            assessment.updated_at,
            assessment.organisation.updated_at,
        )


def results_version(assessment: Assessment) -> ResultsVersion:
    """In one query, a key that changes whenever anything the results page or the report shows changes:
    - the assessment (a target, evidence item, action or status change moves its `updated_at`);
    - its council (the name, and the type and nation that choose its peer groups) and its bank's title;
    - its answers (each save moves an answer's `updated_at` and its version; answers are never deleted);
    - its status history (events are only ever added);
    - what it is compared with: the submitted and signed-off assessments of its council (trends) and of every
      council on its bank version (benchmarks). Their scores are stored when they are submitted or signed off,
      which moves their `updated_at`; a reopened or deleted one leaves the count; a peer council's change of
      type or nation moves its `updated_at`;
    - the smallest peer group shown (a setting).
    Names of people (who signed off, who did what in the history) are shown as they were when drawn."""
    answers = Answer.objects.filter(assessment_id=OuterRef("pk"))
    events = AssessmentEvent.objects.filter(assessment_id=OuterRef("pk"))
    compared = Assessment.objects.filter(
        Q(bank_version_id=OuterRef("bank_version_id")) | Q(organisation_id=OuterRef("organisation_id")),
        status__in=COUNTED_STATUSES,
    )
    row = (
        Assessment.objects.filter(pk=assessment.pk)
        .annotate(
            answer_count=_single_value(answers, Func(F("id"), function="COUNT")),
            answer_versions=_single_value(answers, Func(F("version"), function="SUM")),
            answer_changed=_single_value(answers, Func(F("updated_at"), function="MAX")),
            latest_event=_single_value(events, Func(F("id"), function="MAX")),
            compared_count=_single_value(compared, Func(F("id"), function="COUNT")),
            compared_changed=_single_value(compared, Func(F("updated_at"), function="MAX")),
            compared_councils_changed=_single_value(compared, Func(F("organisation__updated_at"), function="MAX")),
        )
        .values_list(
            "updated_at",
            "organisation__updated_at",
            "pk",
            "bank_version__bank__updated_at",
            "answer_count",
            "answer_versions",
            "answer_changed",
            "latest_event",
            "compared_count",
            "compared_changed",
            "compared_councils_changed",
        )
        .get()
    )
    parts = (*row, peer_group_minimum())
    return ResultsVersion(
        key=":".join(str(value.timestamp() if isinstance(value, datetime) else value) for value in parts),
        assessment_updated_at=row[0],
        council_updated_at=row[1],
    )


def report_fingerprint(assessment: Assessment, *, include_evidence: bool = False) -> str:
    """The stored PDF is up to date while this is unchanged: the assessment and all it is compared with, and the
    code that draws it."""
    variant = "evidence" if include_evidence else "summary"
    return f"report-pdf:{results_version(assessment).key}:{variant}:{code_version.code_digest()}"
