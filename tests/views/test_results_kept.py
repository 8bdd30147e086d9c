"""The results page is drawn once for each state of the assessment and kept (services/results_page.py): whatever
changes what it shows, through the services people use, shows on the next view."""

import datetime
import gc
import logging
import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import Answer, Assessment, Membership, Organisation
from assessment.services import code_version, results_page
from assessment.services.assessments import AnswerChange, answers_save, assessment_submit, theme_targets_set
from assessment.services.collaboration import evidence_item_add
from assessment.services.cycles import action_create
from assessment.services.results_page import results_page_body
from assessment.services.reviews import assessment_reopen
from assessment.views.results import assessment_results
from tests.factories import AnswerFactory, MembershipFactory
from tests.services.test_benchmarks import peer


@pytest.fixture
def answered(assessment, bank, council):
    for question, level in zip(bank.questions, [4, 1, 3, 2], strict=True):
        AnswerFactory(assessment=assessment, question=question, level=level, answered_by=council.officer)
    return assessment


def _results(client, assessment) -> str:
    """The page, without the sign-out form's CSRF token, which is masked afresh on every response."""
    response = client.get(reverse("assessment_results", kwargs={"pk": assessment.pk}))
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def _save_answer(assessment, bank, council):
    answer = Answer.objects.get(assessment=assessment, question=bank.questions[1])
    change = AnswerChange(question=bank.questions[1], level=5, not_applicable=False, evidence="Fibre to every office",
                          expected_version=answer.version)  # fmt: skip
    answers_save(assessment=assessment, user=council.officer, changes=[change])


def _set_target(assessment, bank, council):
    theme_targets_set(assessment=assessment, user=council.lead, levels={bank.themes[0]: 5})


def _take_on_action(assessment, bank, council):
    action_create(assessment=assessment, user=council.lead, question_key="connectivity", text="Replace the routers",
                  owner="Head of Digital Infrastructure", due_date=None)  # fmt: skip


def _add_evidence(assessment, bank, council):
    evidence_item_add(assessment=assessment, question=bank.questions[0], user=council.officer,
                      description="Device refresh plan", link="", owner="IT manager",
                      dated=datetime.date(2026, 3, 1))  # fmt: skip


def _change_council_type(assessment, bank, council):
    organisation = Organisation.objects.get(pk=council.organisation.pk)
    organisation.council_type = Organisation.CouncilType.UNITARY
    organisation.save()


def _peers_submit(assessment, bank, council):
    for value in (1.0, 2.0, 3.0, 4.0, 5.0):
        peer(bank, value=value)


CHANGES = {
    # what changes: (the change, what the page shows before, what it shows after)
    "an answer saved": (_save_answer, "Score 3.0 from 2 of 2", "Score 4.3 from 2 of 2"),
    "a theme target set": (_set_target, "Target 3.", "Target 5 (set by the lead)."),
    "an action taken on": (_take_on_action, "has an owner yet", "Head of Digital Infrastructure"),
    "an evidence item added": (_add_evidence, "2 answers are at level 3 or above", "1 answer is at level 3 or above"),
    "the council's type changed": (_change_council_type, "County councils", "Unitary authorities"),
    "other councils submitted": (_peers_submit, "Not enough councils", "County councils (5 councils)"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_shows_on_the_next_view_of_the_results(client, answered, bank, council, change):
    make_change, before, after = CHANGES[change]
    client.force_login(council.lead)
    first = _results(client, answered)
    assert before in first and after not in first
    assert _results(client, answered) == first  # kept while nothing changes

    make_change(answered, bank, council)

    assert after in _results(client, answered)


def test_a_peer_assessment_deleted_leaves_the_benchmarks(client, answered, bank, council):
    extra = peer(bank)  # not the latest scores stored
    _peers_submit(answered, bank, council)
    client.force_login(council.lead)
    assert "County councils (6 councils)" in _results(client, answered)
    extra.delete()
    assert "County councils (5 councils)" in _results(client, answered)


def test_a_submitted_peer_is_not_counted_and_its_sign_off_shows_on_the_next_view(client, answered, bank, council):
    for value in (1.0, 2.0, 3.0, 4.0):
        peer(bank, value=value)
    fifth = peer(bank, value=5.0, status="submitted")
    client.force_login(council.lead)
    assert "Not enough councils" in _results(client, answered)
    fifth.status = "signed_off"
    fifth.save()
    assert "County councils (5 councils)" in _results(client, answered)


def test_a_deploy_that_changes_how_the_page_is_drawn_draws_it_afresh(client, answered, council):
    client.force_login(council.officer)
    _results(client, answered)
    with (
        mock.patch.object(results_page, "results_build", wraps=results_page.results_build) as drawn,
        mock.patch.object(code_version, "code_digest", return_value="next-release"),
    ):
        _results(client, answered)
        _results(client, answered)
    assert drawn.call_count == 1


def test_a_kept_page_offers_actions_to_leads_only(client, answered, council):
    client.force_login(council.lead)
    as_lead = _results(client, answered)
    client.force_login(council.officer)
    as_officer = _results(client, answered)
    assert "Take on as an action" in as_lead and "Set target levels" in as_lead
    assert "Take on as an action" not in as_officer and "Set target levels" not in as_officer


def test_a_kept_page_reads_only_the_person_the_assessment_and_its_version(client, answered, council):
    client.force_login(council.officer)
    _results(client, answered)
    with CaptureQueriesContext(connection) as queries:
        _results(client, answered)
    # The user, the assessment with its council, what its results are drawn from (one query), the memberships.
    assert len(queries) == 4
    assert not any("assessment_answer" in q["sql"] and "SELECT COUNT" not in q["sql"] for q in queries)


def test_a_served_page_does_not_wait_for_the_garbage_collector_to_let_its_body_go(rf, answered, council):
    """A worker serving kept pages grew by a quarter of a megabyte a view until a collection (240 MB in a thousand
    views): the body sat in the template's context, which Django's Context and ContextDict make a cycle."""
    body = results_page_body(assessment=answered, can_manage_actions=False, can_set_targets=False)  # now kept
    request = rf.get(reverse("assessment_results", kwargs={"pk": answered.pk}))
    request.user = council.officer
    request.session = {}
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection frees is kept in gc.garbage for us to look at
    try:
        response = assessment_results(request, pk=answered.pk)
        assert response.status_code == 200 and body in response.content.decode()
        del response, request
        gc.collect()
        # The body is a SafeString, which the collector tracks (a plain str it would not, and this would not see).
        held_by_cycles = [o for o in gc.garbage if isinstance(o, str) and len(o) >= len(body) // 2]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert held_by_cycles == []


def test_an_unreachable_cache_draws_the_page_afresh(client, answered, council, monkeypatch, caplog):
    client.force_login(council.officer)
    expected = _results(client, answered)

    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(cache, "set", unreachable)
    with caplog.at_level(logging.WARNING):
        assert _results(client, answered) == expected
    assert "Cache unavailable: drawing the results page afresh" in caplog.text


def _reopen(assessment):
    lead = MembershipFactory(organisation=assessment.organisation, role=Membership.Role.LEAD).user
    assessment_reopen(assessment=assessment, lead=lead, reason="An answer was wrong")


def test_a_peer_assessment_reopened_leaves_the_benchmarks(client, answered, bank, council):
    _peers_submit(answered, bank, council)
    reopened = peer(bank)
    client.force_login(council.lead)
    assert "County councils (6 councils)" in _results(client, answered)
    _reopen(reopened)  # its stored scores stay, but no longer count
    assert "County councils (5 councils)" in _results(client, answered)


def test_the_councils_earlier_assessment_reopened_leaves_its_trend(client, answered, bank, council):
    earlier = peer(bank, period="2025/26")
    Assessment.objects.filter(pk=earlier.pk).update(organisation=council.organisation)
    client.force_login(council.lead)
    assert "first submitted assessment" not in _results(client, answered)
    _reopen(Assessment.objects.get(pk=earlier.pk))
    assert "first submitted assessment" in _results(client, answered)


def test_a_submission_while_the_page_is_drawn_is_not_kept_under_the_new_state(client, answered, council):
    """The page read the assessment just before it was submitted: what it drew from that read must not be what
    the next person sees of the submitted assessment."""
    read_before = Assessment.objects.select_related("organisation").get(pk=answered.pk)
    assessment_submit(assessment=Assessment.objects.get(pk=answered.pk), user=council.officer)
    drawn = results_page_body(assessment=read_before, can_manage_actions=True, can_set_targets=True)
    assert "Provisional" in drawn  # drawn from the draft it read

    client.force_login(council.lead)
    page = _results(client, answered)
    assert "Submitted" in page and "Provisional" not in page
