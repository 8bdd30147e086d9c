"""Peer benchmarks never identify another council; trends read stored scores."""

import pytest

from assessment.models import Assessment
from assessment.selectors import assessment_structure
from assessment.services.benchmarks import (
    ThemeBenchmark,
    ThemeTrend,
    peer_benchmarks,
    peer_group_minimum,
    score_records_store,
    sector_medians,
)
from assessment.services.reports import results_build
from assessment.services.scoring import AssessmentScores, QuestionScore, Score, ThemeScore
from tests.factories import AssessmentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

# The questions of the `bank` fixture that apply to a county council; a district council is not asked care-data.
COUNTY_QUESTIONS = {"hybrid-working": ["devices", "connectivity"], "cyber-security": ["backups", "care-data"]}
DISTRICT_QUESTIONS = {"hybrid-working": ["devices", "connectivity"], "cyber-security": ["backups"]}


def scores(overall: float, hybrid: float, cyber: float, questions=None) -> AssessmentScores:
    questions = questions or COUNTY_QUESTIONS

    def theme(key, title, value):
        asked = [
            QuestionScore(k, key, k, 1, 3, False, 3, "bank", False, False, None) for k in questions[key]
        ]  # fmt: skip
        return ThemeScore(key, title, title, 1, Score(value, len(asked), len(asked)), 3, True, asked)

    return AssessmentScores(
        overall=Score(overall, 4, 4),
        themes=[theme("hybrid-working", "Hybrid working", hybrid), theme("cyber-security", "Cyber security", cyber)],
    )


def peer(bank, council_type="county", nation="england", value=3.0, period="2025/26", status="signed_off"):
    organisation = OrganisationFactory(council_type=council_type, nation=nation)
    assessment = AssessmentFactory(organisation=organisation, bank_version=bank.version, period=period, status=status,
                                   submitted_at="2026-01-01T00:00Z", signed_off_at="2026-01-02T00:00Z")  # fmt: skip
    asked = DISTRICT_QUESTIONS if council_type == "district" else COUNTY_QUESTIONS
    score_records_store(assessment=assessment, scores=scores(value, value, value, asked))
    return assessment


def groups(assessment):
    return {g.name: g for g in peer_benchmarks(assessment=assessment, scores=scores(3.0, 3.0, 3.0))}


def test_fewer_than_five_councils_show_nothing(assessment, bank):
    for value in (1.0, 2.0, 3.0, 4.0):
        peer(bank, value=value)
    result = groups(assessment)
    assert not result["County councils"].enough and result["County councils"].themes == []
    assert not result["All councils"].enough


def test_five_councils_give_median_and_quartiles_and_where_the_council_sits(assessment, bank):
    for value in (1.0, 2.0, 3.0, 4.0, 5.0):
        peer(bank, value=value)
    peer(bank, council_type="district", value=5.0)
    result = groups(assessment)
    county = result["County councils"]
    assert county.enough and county.councils == 5
    overall = county.themes[0]
    assert (overall.lower_quartile, overall.median, overall.upper_quartile) == (2.0, 3.0, 4.0)
    assert overall.position == "Level with the median"
    assert result["All councils"].councils == 6


def test_only_councils_asked_the_same_questions_are_compared(assessment, bank):
    # Five county councils at 1 … 5 and one district council at 5, which was not asked the care question.
    for value in (1.0, 2.0, 3.0, 4.0, 5.0):
        peer(bank, value=value)
    peer(bank, council_type="district", value=5.0)
    every = {t.key: t for t in groups(assessment)["All councils"].themes}
    # Hybrid working asks everyone the same questions: all six count. Cyber and the overall score do not.
    assert every["hybrid-working"].councils == 6 and every["hybrid-working"].median == 3.5
    assert every["cyber-security"].councils == 5 and every["cyber-security"].median == 3.0
    assert every[""].councils == 5


def test_what_too_few_councils_answered_alike_is_named_as_not_compared(bank):
    # A district council beside five county councils: they were asked the care question and it was not, so its
    # cyber and overall scores have no like to compare with among councils in England. The tables left them out
    # without a word, so a reader could not tell a missing theme from a forgotten one.
    district = AssessmentFactory(organisation=OrganisationFactory(council_type="district"), bank_version=bank.version)
    for value in (1.0, 2.0, 3.0, 4.0, 5.0):
        peer(bank, value=value)
    peer(bank, council_type="district")
    result = {g.name: g for g in peer_benchmarks(assessment=district, scores=scores(3, 3, 3, DISTRICT_QUESTIONS))}
    england = result["Councils in England"]
    assert [t.key for t in england.themes] == ["hybrid-working"]
    assert england.not_compared == ["Overall", "Cyber security"]
    assert result["District councils"].not_compared == []  # too small a group to compare anything


@pytest.mark.parametrize(
    ("own", "quartiles", "position"),
    [
        (2.9, (3.0, 3.0, 3.0), "Below the typical score (3.0)"),
        (3.04, (2.96, 3.0, 3.01), "The same as the typical score (3.0)"),
        (3.0, (2.5, 3.0, 3.5), "Level with the median"),
        (2.5, (2.5, 3.0, 3.5), "Level with the lower quartile"),
        (2.54, (2.5, 3.0, 3.5), "Level with the lower quartile"),  # as shown: 2.5 and 2.5
        (2.4, (2.5, 3.0, 3.5), "Below the lower quartile"),
        (3.2, (2.5, 3.0, 3.5), "Between the median and the upper quartile"),
        (3.6, (2.5, 3.0, 3.5), "Above the upper quartile"),
    ],
)
def test_where_the_council_sits_is_judged_on_the_figures_as_shown_and_ties_are_ties(own, quartiles, position):
    assert ThemeBenchmark("k", "T", "T", 5, *quartiles, own=own).position == position


def test_change_since_last_time_is_the_difference_of_the_scores_as_shown():
    # 2.54 and 2.96 are shown as 2.5 and 3.0: the change is +0.5, not the +0.4 the raw figures give.
    assert ThemeTrend("k", "T", "T", [("2025/26", 2.54), ("2026/27", 2.96)]).change == 0.5
    assert ThemeTrend("k", "T", "T", [("2025/26", 3.26), ("2026/27", 3.34)]).change == 0.0


def test_only_each_councils_latest_counted_assessment_on_the_same_version_counts(assessment, bank):
    for value in (1.0, 2.0, 3.0, 4.0):
        peer(bank, value=value)
    old = peer(bank, value=1.0, period="2024/25")
    newer = AssessmentFactory(organisation=old.organisation, bank_version=bank.version, period="2025/26",
                              status="signed_off", submitted_at="2026-01-01T00:00Z",
                              signed_off_at="2026-01-02T00:00Z")  # fmt: skip
    score_records_store(assessment=newer, scores=scores(5.0, 5.0, 5.0))
    peer(bank, value=5.0, status="draft")  # an unsubmitted draft never counts
    county = groups(assessment)["County councils"]
    assert county.councils == 5
    assert county.themes[0].upper_quartile == 4.0 and county.themes[0].median == 3.0


def test_peers_are_their_latest_for_the_same_period_or_earlier_not_what_they_did_later(bank, council):
    # Five county councils scored 1 … 5 in 2024/25 and all reached 5.0 in 2025/26. Set beside its peers, the
    # council's 2024/25 assessment is level with the median of that year, not a level and more behind.
    for value in (1.0, 2.0, 3.0, 4.0, 5.0):
        later = peer(bank, value=value, period="2024/25")
        score_records_store(
            assessment=AssessmentFactory(organisation=later.organisation, bank_version=bank.version,
                                         period="2025/26", status="signed_off", submitted_at="2026-01-01T00:00Z",
                                         signed_off_at="2026-01-02T00:00Z"),
            scores=scores(5.0, 5.0, 5.0),
        )  # fmt: skip
    earlier = AssessmentFactory(organisation=council.organisation, bank_version=bank.version, period="2024/25")
    county = groups(earlier)["County councils"]
    assert county.councils == 5
    assert (county.themes[0].median, county.themes[0].position) == (3.0, "Level with the median")
    # A 2026/27 assessment is set beside each council's latest, 2025/26.
    assert groups(AssessmentFactory(organisation=council.organisation, bank_version=bank.version,
                                    period="2026/27"))["County councils"].themes[0].median == 5.0  # fmt: skip


def test_an_assessment_submitted_but_not_yet_signed_off_is_not_a_peer(assessment, bank):
    # Its lead has not reviewed it: its scores may still change, and signing off is what the service tells a
    # lead puts a council's scores into other councils' benchmarks.
    for value in (1.0, 2.0, 3.0, 4.0):
        peer(bank, value=value)
    peer(bank, value=5.0, status="submitted")
    county = groups(assessment)["County councils"]
    assert county.councils == 4 and not county.enough


def test_the_minimum_group_size_can_be_raised_but_never_below_five(settings):
    settings.PEER_GROUP_MINIMUM = 3
    assert peer_group_minimum() == 5
    settings.PEER_GROUP_MINIMUM = 8
    assert peer_group_minimum() == 8


def test_sector_medians_leave_small_groups_blank(bank):
    for value in (2.0, 3.0, 3.0, 4.0, 5.0):
        peer(bank, value=value)
    peer(bank, council_type="district", value=1.0)
    themes, rows = sector_medians(bank_version_id=bank.version.id)
    by_type = dict(rows)
    assert themes[0] == ("", "Overall")
    assert by_type["County council"][0].median == 3.0 and by_type["County council"][0].councils == 5
    assert by_type["District council"][0].median is None and by_type["District council"][0].councils == 1


def test_trends_use_the_councils_earlier_stored_scores(assessment, bank, council):
    earlier = AssessmentFactory(
        organisation=council.organisation,
        bank_version=bank.version,
        period="2025/26",
        status="signed_off",
        submitted_at="2025-06-01T00:00Z",
        signed_off_at="2025-06-02T00:00Z",
    )
    score_records_store(assessment=earlier, scores=scores(2.0, 2.5, 1.5))
    results = results_build(structure=assessment_structure(assessment=assessment, with_detail=True))
    trend = {t.key: t for t in results.trends}
    assert trend[""].points[0] == ("2025/26", 2.0)
    assert trend["hybrid-working"].points[-1][0] == "2026/27"
    assert results.has_history
    assert Assessment.objects.count() == 2


def test_no_change_is_given_across_questions_that_a_new_edition_of_the_bank_changed(assessment, bank, council):
    # Last year cyber security had two questions; this year's edition has three. Its score (and the overall
    # score, which rests on every question) fell from 3.0 to 2.0, but not like-for-like; hybrid working, asked
    # the same questions, rose from 2.0 to 3.0.
    from assessment.services.benchmarks import council_trends
    from assessment.services.reports import key_messages_build

    earlier = AssessmentFactory(organisation=council.organisation, bank_version=bank.version, period="2025/26",
                                status="signed_off", submitted_at="2025-06-01T00:00Z",
                                signed_off_at="2025-06-02T00:00Z")  # fmt: skip
    score_records_store(assessment=earlier, scores=scores(3.0, 2.0, 3.0))
    now = scores(2.0, 3.0, 2.0, {**COUNTY_QUESTIONS, "cyber-security": ["backups", "care-data", "mfa"]})
    trends = {t.key: t for t in council_trends(assessment=assessment, scores=now)}
    assert (trends["hybrid-working"].same_questions, trends["hybrid-working"].change) == (True, 1.0)
    assert (trends["cyber-security"].same_questions, trends["cyber-security"].change) == (False, None)
    assert trends["cyber-security"].points == [("2025/26", 3.0), ("2026/27", 2.0)]  # both still shown
    assert key_messages_build(scores=now, trends=list(trends.values()))[2] == (
        "Overall maturity was 3.0 in 2025/26 and is 2.0 now, but a new edition of the question bank changed the "
        "questions, so the two are not like-for-like. Among themes whose questions did not change, the largest "
        "rise was in Hybrid working (+1.0)."
    )


def test_a_largest_rise_shared_by_several_themes_says_so():
    from assessment.services.reports import key_messages_build

    trends = [ThemeTrend("", "Overall", "Overall", [("2025/26", 2.0), ("2026/27", 3.0)])] + [
        ThemeTrend(key, title, title, [("2025/26", 2.0), ("2026/27", 3.0)])
        for key, title in (("a", "Workforce"), ("b", "Data"), ("c", "Cyber"), ("d", "Leadership"))
    ]
    assert key_messages_build(scores=scores(3.0, 3.0, 3.0), trends=trends)[2] == (
        "Overall maturity rose from 2.0 in 2025/26 to 3.0. The largest rise, +1.0, was shared by Workforce, Data "
        "and 2 other themes."
    )


def test_trends_hold_when_an_earlier_assessment_has_an_unscored_theme(assessment, bank, council):
    """Two earlier years on different bank versions, one with a theme nobody answered."""
    from tests.factories import BankVersionFactory

    for version, period, hybrid in ((bank.version, "2024/25", 2.5), (BankVersionFactory(), "2025/26", None)):
        earlier = AssessmentFactory(
            organisation=council.organisation, bank_version=version, period=period, status="signed_off",
            submitted_at="2025-06-01T00:00Z", signed_off_at="2025-06-02T00:00Z",
        )  # fmt: skip
        score_records_store(assessment=earlier, scores=scores(2.0, hybrid, 1.5))
    trends = {
        t.key: t for t in results_build(structure=assessment_structure(assessment=assessment, with_detail=True)).trends
    }
    assert [period for period, _ in trends["cyber-security"].points] == ["2024/25", "2025/26", "2026/27"]
    assert trends["hybrid-working"].points[:2] == [("2024/25", 2.5), ("2025/26", None)]
    assert trends["hybrid-working"].change is None


def test_a_unitary_authority_is_compared_with_unitary_authorities(bank):
    council = OrganisationFactory(council_type="unitary")
    assessment = AssessmentFactory(organisation=council, bank_version=bank.version)
    assert "Unitary authorities" in groups(assessment)  # not "Unitary authoritys"


def test_a_peer_groups_name_keeps_its_capitals_in_a_sentence():
    # "Councils in England" once read "councils in england" in the chart's title and caption.
    from assessment.services.benchmarks import GroupBenchmark

    assert GroupBenchmark("Councils in England", 5, []).name_in_sentence == "councils in England"
    assert GroupBenchmark("County councils", 5, []).name_in_sentence == "county councils"
