"""Stored scores, trends over a council's own assessments, and safe peer benchmarks.

Scores are stored (ThemeScoreRecord) when an assessment is submitted or signed off, so trends and
benchmarks read stored figures and never rescore other councils' assessments on a page view.

Peer benchmarks never identify another council: a group with fewer councils than
settings.PEER_GROUP_MINIMUM (never below 5) shows "not enough councils to compare", and only medians and
quartiles are shown, never names or rankings. Peers are other councils' signed-off assessments (reviewed and
locked by their lead) for the same period or earlier, so a 2024/25 report is set beside 2024/25, not beside
what other councils did later.
"""

import hashlib
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from assessment.models import Assessment, Organisation, Theme, ThemeScoreRecord
from assessment.services.scoring import AssessmentScores, ThemeScore, shown

OVERALL = ""  # the theme_key under which the overall score is stored
COUNTED_STATUSES = (Assessment.Status.SUBMITTED, Assessment.Status.SIGNED_OFF)  # stored, and in the council's trends
PEER_STATUSES = (Assessment.Status.SIGNED_OFF,)  # in other councils' benchmarks and the sector view
ABSOLUTE_MINIMUM_GROUP = 5


def peer_group_minimum() -> int:
    return max(ABSOLUTE_MINIMUM_GROUP, int(getattr(settings, "PEER_GROUP_MINIMUM", ABSOLUTE_MINIMUM_GROUP)))


def question_set_fingerprint(keys: list[str]) -> str:
    """Identifies a set of question keys, whatever their order."""
    return hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()


def _applicable_keys(themes: list[ThemeScore]) -> list[str]:
    return [q.key for t in themes for q in t.questions]


def question_sets(*, scores: AssessmentScores) -> dict[str, str]:
    """{theme key (OVERALL for the whole assessment): fingerprint of the questions that apply to the council}.

    Questions apply by council type (a district council has no adult social care questions), so a county
    council is compared only with councils asked the same questions. An answer of "not applicable", which the
    bank allows only for a few questions, does not change the set."""
    return {OVERALL: question_set_fingerprint(_applicable_keys(scores.themes))} | {
        t.key: question_set_fingerprint(_applicable_keys([t])) for t in scores.themes
    }


@transaction.atomic
def score_records_store(*, assessment: Assessment, scores: AssessmentScores) -> None:
    ThemeScoreRecord.objects.filter(assessment=assessment).delete()
    fingerprints = question_sets(scores=scores)
    records = [
        ThemeScoreRecord(
            assessment=assessment,
            theme_key=OVERALL,
            theme_title="Overall",
            score=scores.overall.value,
            answered=scores.overall.answered,
            applicable=scores.overall.applicable,
            question_set=fingerprints[OVERALL],
        )
    ] + [
        ThemeScoreRecord(
            assessment=assessment,
            theme_key=t.key,
            theme_title=t.title,
            score=t.score.value,
            answered=t.score.answered,
            applicable=t.score.applicable,
            question_set=fingerprints[t.key],
        )
        for t in scores.themes
    ]
    ThemeScoreRecord.objects.bulk_create(records)


# Trends ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeTrend:
    key: str
    title: str
    short_title: str
    points: list[tuple[str, float | None]]  # (period, score), oldest first, ending with this assessment
    # Whether the score before this one rests on the same questions. A new edition of the question bank may add,
    # drop or replace a theme's questions: its scores are then not like-for-like, and no change is worked out.
    same_questions: bool = True

    @property
    def previous(self) -> float | None:
        return self.points[-2][1] if len(self.points) > 1 else None

    @property
    def current(self) -> float | None:
        return self.points[-1][1]

    @property
    def change(self) -> float | None:
        """The change between the two scores as shown (one decimal place), so the arithmetic is visible. None
        when either is not scored, or they rest on different questions."""
        previous, current = shown(self.previous), shown(self.current)
        if previous is None or current is None or not self.same_questions:
            return None
        return shown(current - previous)


def council_trends(
    *, assessment: Assessment, scores: AssessmentScores, records: "ScoreRecords | None" = None
) -> list[ThemeTrend]:
    """Each theme's score across the council's earlier submitted or signed-off assessments, then this one.
    Themes are matched by key, which stays stable across bank versions; whether the last two scores rest on the
    same questions is worked out from the question sets stored with them."""
    records = records or score_records_for_comparison(assessment=assessment)
    by_theme: dict[str, dict[str, PeerScore]] = defaultdict(dict)
    for period, key, score, question_set in records.earlier:
        by_theme[key][period] = (score, question_set)
    current_sets = question_sets(scores=scores)
    current = [(OVERALL, "Overall", "Overall", scores.overall.value)] + [
        (t.key, t.title, t.short_title, t.score.value) for t in scores.themes
    ]
    trends = []
    for key, title, short_title, value in current:
        earlier = sorted(by_theme[key].items())
        trends.append(
            ThemeTrend(
                key=key,
                title=title,
                short_title=short_title,
                points=[(period, score) for period, (score, _) in earlier] + [(assessment.period, value)],
                same_questions=not earlier or earlier[-1][1][1] == current_sets[key],
            )
        )
    return trends


# Peer benchmarks ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeBenchmark:
    key: str
    title: str
    short_title: str
    councils: int  # councils in the group that answered the same questions
    lower_quartile: float
    median: float
    upper_quartile: float
    own: float | None

    def _as_shown(self) -> tuple[float, float, float, float]:
        """The council's score and the quartiles as the page shows them (one decimal place): compared like that,
        a tie is a tie."""
        own, q1, median, q3 = (
            shown(v) or 0.0 for v in (self.own, self.lower_quartile, self.median, self.upper_quartile)
        )
        return own, q1, median, q3

    @property
    def is_below_lower_quartile(self) -> bool:
        """Behind at least three in four of the councils compared (where the quartiles are one figure: behind
        the typical score, which most councils share)."""
        if self.own is None:
            return False
        own, q1, _, _ = self._as_shown()
        return own < q1

    @property
    def position(self) -> str:
        """Where the council sits, compared as the figures are shown (one decimal place); a tie is a tie."""
        if self.own is None:
            return "Not scored"
        own, q1, median, q3 = self._as_shown()
        if q1 == q3:  # at least half the councils score the same, so quartiles say nothing more than that
            if own == median:
                return f"The same as the typical score ({median:.1f})"
            return f"{'Above' if own > median else 'Below'} the typical score ({median:.1f})"
        if own == median:
            return "Level with the median"
        if own == q1:
            return "Level with the lower quartile"
        if own == q3:
            return "Level with the upper quartile"
        if own < q1:
            return "Below the lower quartile"
        if own < median:
            return "Between the lower quartile and the median"
        if own < q3:
            return "Between the median and the upper quartile"
        return "Above the upper quartile"


@dataclass(frozen=True)
class GroupBenchmark:
    name: str
    councils: int
    themes: list[ThemeBenchmark]
    # In a group large enough to compare, the council's scores (by title) that too few of its councils answered
    # the same questions for: said on the page, so a theme missing from the table is not a puzzle.
    not_compared: list[str] = field(default_factory=list)

    @property
    def name_in_sentence(self) -> str:
        """ "councils in England", "county councils": the name as it reads after "among"."""
        return f"{self.name[:1].lower()}{self.name[1:]}"

    @property
    def counted_in_sentence(self) -> str:
        """ "9 county councils", "10 councils in England", "all 11 councils": the group with its size, in a sentence."""
        if self.name == ALL_COUNCILS:
            return f"all {self.councils} councils"
        return f"{self.councils} {self.name_in_sentence}"

    @property
    def enough(self) -> bool:
        return self.councils >= peer_group_minimum()

    @property
    def compares(self) -> bool:
        """Large enough, and with at least one score that enough of its councils answered alike: worth a table."""
        return self.enough and bool(self.themes)


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


ALL_COUNCILS = "All councils"  # the widest peer group's name

PeerScore = tuple[float | None, str]  # (score, question-set fingerprint)


PeerRow = tuple[int, str, str, str, str, float | None, str]  # organisation, type, nation, period, key, score, set
PEER_ROW_FIELDS = (
    "assessment__organisation_id",
    "assessment__organisation__council_type",
    "assessment__organisation__nation",
    "assessment__period",
    "theme_key",
    "score",
    "question_set",
)


def _latest_by_council(rows: Iterable[PeerRow]) -> dict[int, tuple[str, str, dict[str, PeerScore]]]:
    """{organisation id: (council type, nation, {theme key: (score, question set)})} from each council's latest
    assessment among the rows."""
    latest_period: dict[int, str] = {}
    collected: dict[tuple[int, str], dict[str, PeerScore]] = defaultdict(dict)
    kinds: dict[int, tuple[str, str]] = {}
    for organisation_id, council_type, nation, period, key, score, question_set in rows:
        kinds[organisation_id] = (council_type, nation)
        collected[(organisation_id, period)][key] = (score, question_set)
        if period > latest_period.get(organisation_id, ""):
            latest_period[organisation_id] = period
    return {
        organisation_id: (*kinds[organisation_id], collected[(organisation_id, period)])
        for organisation_id, period in latest_period.items()
    }


@dataclass(frozen=True)
class ScoreRecords:
    """What an assessment's scores are compared with: the council's own earlier assessments and its peers'."""

    earlier: list[tuple[str, str, float | None, str]]  # (period, theme key, score, question set), the council's
    peers: dict[int, tuple[str, str, dict[str, PeerScore]]]  # other councils' latest, as at this period


def score_records_for_comparison(*, assessment: Assessment) -> ScoreRecords:
    """The council's earlier submitted or signed-off assessments (any bank version: themes keep their keys), and
    every other council's latest signed-off one on this assessment's bank version for this period or an earlier
    one. One query."""
    own = Q(assessment__organisation_id=assessment.organisation_id)
    rows: list[PeerRow] = list(
        ThemeScoreRecord.objects.filter(
            (own & Q(assessment__status__in=COUNTED_STATUSES, assessment__period__lt=assessment.period))
            | (
                ~own
                & Q(
                    assessment__status__in=PEER_STATUSES,
                    assessment__bank_version_id=assessment.bank_version_id,
                    assessment__period__lte=assessment.period,
                )
            )
        ).values_list(*PEER_ROW_FIELDS)
    )
    return ScoreRecords(
        earlier=sorted(
            (
                (period, key, score, question_set)
                for organisation_id, _, _, period, key, score, question_set in rows
                if organisation_id == assessment.organisation_id
            ),
            key=lambda record: record[0],  # by period only: a score may be None
        ),
        peers=_latest_by_council(row for row in rows if row[0] != assessment.organisation_id),
    )


def peer_benchmarks(
    *, assessment: Assessment, scores: AssessmentScores, records: ScoreRecords | None = None
) -> list[GroupBenchmark]:
    """Median and quartiles per theme for councils of the same type, the same nation, and all councils,
    from other councils' latest signed-off assessments on the same bank version, as at this assessment's period.
    Like is compared with like: a theme's figures come only from councils whose score rests on the same set of
    questions."""
    organisation: Organisation = assessment.organisation
    peers = (records or score_records_for_comparison(assessment=assessment)).peers
    own = {OVERALL: scores.overall.value} | {t.key: t.score.value for t in scores.themes}
    own_sets = question_sets(scores=scores)
    titles = [(OVERALL, "Overall", "Overall")] + [(t.key, t.title, t.short_title) for t in scores.themes]
    groups = [
        (Organisation.CouncilType(organisation.council_type).plural, lambda kind: kind[0] == organisation.council_type),
        (f"Councils in {organisation.get_nation_display()}", lambda kind: kind[1] == organisation.nation),
        (ALL_COUNCILS, lambda kind: True),
    ]
    benchmarks = []
    for name, belongs in groups:
        members = [theme_scores for ctype, nation, theme_scores in peers.values() if belongs((ctype, nation))]
        if len(members) < peer_group_minimum():
            benchmarks.append(GroupBenchmark(name=name, councils=len(members), themes=[]))
            continue
        themes, not_compared = [], []
        for key, title, short_title in titles:
            values = sorted(
                score
                for score, question_set in (s[key] for s in members if key in s)
                if score is not None and question_set == own_sets[key]
            )
            if len(values) < peer_group_minimum():
                not_compared.append(title)
                continue
            q1, median, q3 = _quartiles(values)
            themes.append(ThemeBenchmark(key, title, short_title, len(values), q1, median, q3, own.get(key)))
        benchmarks.append(GroupBenchmark(name=name, councils=len(members), themes=themes, not_compared=not_compared))
    return benchmarks


# The sector view for platform administrators -----------------------------------------------------------------


@dataclass(frozen=True)
class SectorCell:
    median: float | None
    councils: int


def sector_medians(*, bank_version_id: int) -> tuple[list[tuple[str, str]], list[tuple[str, list[SectorCell]]]]:
    """(themes, rows): one row per council type, one cell per theme with the median of each council's latest
    score, or None where fewer councils than the minimum answered it."""
    peers = _latest_by_council(
        ThemeScoreRecord.objects.filter(
            assessment__bank_version_id=bank_version_id, assessment__status__in=PEER_STATUSES
        ).values_list(*PEER_ROW_FIELDS)
    )
    themes = [(OVERALL, "Overall")] + list(
        Theme.objects.filter(version_id=bank_version_id).order_by("position").values_list("key", "title")
    )
    rows = []
    for council_type, label in Organisation.CouncilType.choices:
        members = [s for ctype, _, s in peers.values() if ctype == council_type]
        cells = []
        for key, _title in themes:
            values = [score for s in members if key in s and (score := s[key][0]) is not None]
            enough = len(values) >= peer_group_minimum()
            cells.append(SectorCell(median=statistics.median(values) if enough else None, councils=len(values)))
        rows.append((label, cells))
    return themes, rows
