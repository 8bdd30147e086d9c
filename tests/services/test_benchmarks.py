"""Peer benchmarks never identify another council; trends read stored scores."""

import pytest

from assessment.models import Assessment
from assessment.selectors import assessment_structure
from assessment.services.benchmarks import peer_benchmarks, peer_group_minimum, score_records_store, sector_medians
from assessment.services.reports import results_build
from assessment.services.scoring import AssessmentScores, Score, ThemeScore
from tests.factories import AssessmentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def scores(overall: float, hybrid: float, cyber: float) -> AssessmentScores:
    def theme(key, title, value):
        return ThemeScore(key, title, 1, Score(value, 2, 2), None, True, 0)

    return AssessmentScores(
        overall=Score(overall, 4, 4),
        themes=[theme("hybrid-working", "Hybrid working", hybrid), theme("cyber-security", "Cyber security", cyber)],
    )


def peer(bank, council_type="county", nation="england", value=3.0, period="2025/26", status="signed_off"):
    organisation = OrganisationFactory(council_type=council_type, nation=nation)
    assessment = AssessmentFactory(organisation=organisation, bank_version=bank.version, period=period, status=status,
                                   submitted_at="2026-01-01T00:00Z", signed_off_at="2026-01-02T00:00Z")  # fmt: skip
    score_records_store(assessment=assessment, scores=scores(value, value, value))
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
    assert overall.position == "Between the median and the upper quartile"
    assert result["All councils"].councils == 6


def test_only_each_councils_latest_counted_assessment_on_the_same_version_counts(assessment, bank):
    for value in (1.0, 2.0, 3.0, 4.0):
        peer(bank, value=value)
    old = peer(bank, value=1.0, period="2024/25")
    newer = AssessmentFactory(organisation=old.organisation, bank_version=bank.version, period="2025/26",
                              status="submitted", submitted_at="2026-01-01T00:00Z")  # fmt: skip
    score_records_store(assessment=newer, scores=scores(5.0, 5.0, 5.0))
    peer(bank, value=5.0, status="draft")  # an unsubmitted draft never counts
    county = groups(assessment)["County councils"]
    assert county.councils == 5
    assert county.themes[0].upper_quartile == 4.0 and county.themes[0].median == 3.0


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
