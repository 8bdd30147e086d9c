"""The theme page as an officer uses it without JavaScript: evidence items added and removed in place, notes
called notes, the save status in plain English, and nothing typed lost on the way."""

import datetime
import re

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse

from assessment.forms import ThemeAnswersForm
from assessment.models import Answer, Assessment, EvidenceItem
from assessment.views.themes import _saved_label
from tests.factories import AnswerFactory, EvidenceItemFactory


@pytest.fixture
def officer_client(client, council):
    client.force_login(council.officer)
    return client


def theme_url(assessment, theme):
    return reverse("theme_answer", kwargs={"pk": assessment.pk, "theme_key": theme.key})


def page_fields(assessment, questions, **levels) -> dict:
    fields = {}
    for question in questions:
        answer = Answer.objects.filter(assessment=assessment, question=question).first()
        fields[f"q{question.id}-level"] = levels.get(question.key, "")
        fields[f"q{question.id}-evidence"] = ""
        fields[f"q{question.id}-version"] = answer.version if answer else 0
    return fields


def item(question, **values) -> dict:
    prefix = f"q{question.id}-item"
    defaults = {"description": "Device policy v2", "link": "https://intranet.example/policy", "owner": "Head of IT",
                "dated_0": "27", "dated_1": "3", "dated_2": "2026"}  # fmt: skip
    return {f"{prefix}-{name}": value for name, value in (defaults | values).items()}


def with_line_breaks_as_sent(length: int) -> str:
    """Text of `length` characters in lines of 100, as a browser sends it from a text area: each line break as CR
    LF, two characters, though the browser and the page's character count show and count it as one."""
    return ("x" * 99 + "\r\n") * (length // 100)


def test_notes_at_the_limit_with_line_breaks_are_saved_with_or_without_javascript(officer_client, assessment, bank):
    devices, connectivity = bank.questions[:2]
    notes = with_line_breaks_as_sent(5000)
    fields = page_fields(assessment, [devices], devices="3") | {f"q{devices.id}-evidence": notes, "action": "later"}

    saved_by_form = officer_client.post(theme_url(assessment, bank.themes[0]), fields)
    autosaved = officer_client.post(
        reverse("answer_autosave", kwargs={"pk": assessment.pk}),
        {"question": connectivity.id, "level": "2", "evidence": notes},
    )

    assert saved_by_form.status_code == 302 and autosaved.status_code == 200
    for question in (devices, connectivity):
        stored = Answer.objects.get(assessment=assessment, question=question).evidence
        assert stored == notes.replace("\r\n", "\n") and len(stored) == 5000


def test_notes_over_the_limit_are_refused_counting_each_line_break_as_one(officer_client, assessment, bank):
    devices = bank.questions[0]
    notes = with_line_breaks_as_sent(5000) + "x"
    response = officer_client.post(
        reverse("answer_autosave", kwargs={"pk": assessment.pk}), {"question": devices.id, "evidence": notes}
    )
    assert response.status_code == 400 and "5,000 characters or fewer" in response.json()["errors"][0]


def test_an_evidence_item_is_added_on_the_theme_page_and_typed_answers_are_kept(officer_client, assessment, bank):
    devices, connectivity = bank.questions[:2]
    url = theme_url(assessment, bank.themes[0])
    page = officer_client.get(url).content.decode()
    assert "Notes on this answer (optional)" in page and "Add an evidence item" in page
    fields = page_fields(assessment, [devices, connectivity], devices="4", connectivity="2")
    response = officer_client.post(url, {**fields, **item(devices), "add_evidence": str(devices.id)})
    assert response.url == f"{url}#question-devices"
    assert Answer.objects.get(assessment=assessment, question=devices).level == 4  # what was typed is saved
    assert Answer.objects.get(assessment=assessment, question=connectivity).level == 2
    (evidence,) = EvidenceItem.objects.all()
    assert (evidence.description, evidence.owner, str(evidence.dated)) == (
        "Device policy v2",
        "Head of IT",
        "2026-03-27",
    )
    assert "Device policy v2" in officer_client.get(url).content.decode()


def test_a_bad_evidence_item_shows_errors_and_still_saves_the_answers(officer_client, assessment, bank):
    devices, connectivity = bank.questions[:2]
    url = theme_url(assessment, bank.themes[0])
    fields = page_fields(assessment, [devices, connectivity], devices="5")
    bad = item(devices, description="", link="javascript:alert(1)", dated_0="31", dated_1="2")
    response = officer_client.post(url, {**fields, **bad, "add_evidence": str(devices.id)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Describe the evidence" in page and "http:// or https://" in page
    assert "Enter the date of the evidence as a real date" in page
    assert re.search(r'<details class="govuk-details" open>', page)  # the item form stays open with the errors
    assert Answer.objects.get(assessment=assessment, question=devices).level == 5
    assert not EvidenceItem.objects.exists()


def test_an_evidence_item_dated_in_the_future_is_refused_beside_its_date(officer_client, assessment, bank):
    devices = bank.questions[0]
    url = theme_url(assessment, bank.themes[0])
    fields = page_fields(assessment, [devices], devices="3")
    future = item(devices, dated_0="1", dated_1="6", dated_2="2099")
    response = officer_client.post(url, {**fields, **future, "add_evidence": str(devices.id)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The date of the evidence must be today or in the past" in page
    assert f'href="#id_q{devices.id}-item-dated_0"' in page and f'id="id_q{devices.id}-item-dated_0"' in page
    assert page.split("<title>")[1].startswith("Error:")
    assert Answer.objects.get(assessment=assessment, question=devices).level == 3 and not EvidenceItem.objects.exists()


def test_an_evidence_item_is_removed_on_the_theme_page(officer_client, assessment, bank, council):
    devices = bank.questions[0]
    answer = AnswerFactory(assessment=assessment, question=devices, level=3)
    evidence = EvidenceItemFactory(answer=answer, description="Old board minutes")
    url = theme_url(assessment, bank.themes[0])
    fields = page_fields(assessment, bank.questions[:2], devices="3")
    response = officer_client.post(url, {**fields, "remove_evidence": str(evidence.pk)})
    assert response.url == f"{url}#question-devices"
    assert not EvidenceItem.objects.exists()


def test_another_councils_evidence_item_cannot_be_removed(client, assessment, bank, other_council):
    answer = AnswerFactory(assessment=assessment, question=bank.questions[0], level=3)
    evidence = EvidenceItemFactory(answer=answer)
    from tests.factories import AssessmentFactory

    theirs = AssessmentFactory(organisation=other_council.organisation, bank_version=bank.version)
    client.force_login(other_council.officer)
    url = theme_url(theirs, bank.themes[0])
    client.post(url, {**page_fields(theirs, bank.questions[:2]), "remove_evidence": str(evidence.pk)})
    assert EvidenceItem.objects.filter(pk=evidence.pk).exists()


def test_the_save_status_ends_with_one_full_stop(settings):
    settings.TIME_ZONE = "UTC"
    answer = Answer(answered_at=datetime.datetime(2026, 11, 26, 0, 24, tzinfo=datetime.UTC))
    assert _saved_label(answer) == "Saved at 12:24am"  # the page adds one full stop: "…saved. Saved at 12:24am."
    answer.answered_at = datetime.datetime(2026, 11, 26, 13, 5, tzinfo=datetime.UTC)
    assert _saved_label(answer) == "Saved at 1:05pm"


def test_a_signed_off_theme_page_says_signed_off(officer_client, assessment, bank, council):
    from django.utils import timezone

    Assessment.objects.filter(pk=assessment.pk).update(
        status="signed_off", submitted_at=timezone.now(), signed_off_at=timezone.now(), signed_off_by=council.lead
    )
    page = officer_client.get(theme_url(assessment, bank.themes[0])).content.decode()
    assert f"signed off on {timezone.localdate():%-d %B %Y} by {council.lead.get_full_name()} and is locked" in page


def test_the_next_cycle_offers_the_first_year_the_council_has_not_started(client, assessment, bank, council):
    from tests.factories import AssessmentFactory

    Assessment.objects.filter(pk=assessment.pk).update(status="submitted", submitted_at="2026-06-01T00:00Z")
    AssessmentFactory(organisation=council.organisation, bank_version=bank.version, period="2027/28")
    client.force_login(council.lead)
    page = " ".join(client.get(reverse("assessment_next_cycle", kwargs={"pk": assessment.pk})).content.decode().split())
    assert 'value="2028/29" checked="checked"' in page and 'value="2027/28"' not in page


def test_printed_emails_keep_links_whole(settings, capsys):
    settings.MAILERS = {"default": {"BACKEND": "assessment.email_backends.ReadableConsoleBackend"}}
    link = "http://127.0.0.1:8000/accounts/reset/MQ/cz1abc-0123456789abcdef0123456789abcdef/?next=/a-very-long-path/"
    EmailMessage("Reset your password", f"Use this link: {link}\n", "no-reply@localhost", ["a@b.example"]).send()
    out = capsys.readouterr().out
    assert link in out and "=\n" not in out


def checked_level(html: str, question) -> str | None:
    """The level whose radio is checked for the question, or None."""
    found = re.findall(rf'<input[^>]*name="q{question.id}-level"[^>]*value="([^"]+)"[^>]*checked', html)
    return found[0] if found else None


def test_each_person_sees_the_answer_as_it_is_now_though_the_question_is_drawn_once(
    client, officer_client, assessment, bank, council
):
    """A published question's radios and sources are built once per process; the chosen level still follows
    the answer, for everyone who opens the page."""
    theme, question = bank.themes[0], bank.questions[0]
    assert checked_level(officer_client.get(theme_url(assessment, theme)).text, question) is None

    AnswerFactory(assessment=assessment, question=question, level=3)
    assert checked_level(officer_client.get(theme_url(assessment, theme)).text, question) == "3"

    Answer.objects.filter(assessment=assessment, question=question).update(level=4)
    client.force_login(council.lead)  # another person, the same question
    html = client.get(theme_url(assessment, theme)).text
    assert checked_level(html, question) == "4"
    assert html.count(f'name="q{question.id}-level"') == 5  # each level once: nothing drawn twice


def test_the_theme_page_shows_its_own_assignment_and_return_and_no_other_themes(
    officer_client, assessment, bank, council
):
    from assessment.models import ThemeAssignment, ThemeReview

    first, second = bank.themes
    ThemeAssignment.objects.create(
        assessment=assessment, theme=first, assignee=council.officer, assigned_by=council.lead
    )
    ThemeReview.objects.create(assessment=assessment, theme=second, status="returned", comment="Add the backup test")

    first_page = officer_client.get(theme_url(assessment, first)).text
    assert f"Assigned to {council.officer.get_full_name()}" in first_page
    assert "Returned by the lead" not in first_page

    second_page = officer_client.get(theme_url(assessment, second)).text
    assert "Returned by the lead" in second_page and "Add the backup test" in second_page
    assert "Assigned to" not in second_page


def test_levels_nobody_offered_do_not_pile_up_in_memory(officer_client, assessment, bank):
    """The drawn radios are kept per chosen level; a forged level is shown as nothing chosen, not kept apiece."""
    from assessment.selectors import bank_content

    theme, question = bank.themes[0], bank.questions[0]
    for n in range(40):
        fields = page_fields(assessment, bank.questions[:2]) | {f"q{question.id}-level": f"forged-{n}" * 50}
        response = officer_client.post(theme_url(assessment, theme), fields | {"action": "continue"})
        assert response.status_code == 400
        assert checked_level(response.text, question) is None
    kept = bank_content(version_id=bank.version.id).questions_by_id[question.id].__dict__["_rendered_fragments"]
    assert len(kept) <= 4  # its heading, sources, radios with nothing chosen, empty evidence form


def test_an_error_added_after_the_page_read_its_fields_is_shown(bank):
    """The theme page's fields work out their errors once; an error added later (a save refused) must still show."""
    question = bank.questions[0]
    form = ThemeAnswersForm({f"q{question.id}-level": "3"}, questions=[question], answers={})
    assert form.is_valid()
    assert list(form.blocks()[0].level.errors) == []
    form.add_error(f"q{question.id}-level", "Someone else changed this answer")
    assert list(form.blocks()[0].level.errors) == ["Someone else changed this answer"]
    assert form.error_list() == [(f"id_q{question.id}-level_0", "Someone else changed this answer")]


def test_a_baseline_control_without_evidence_says_it_counts_as_a_critical_alert(officer_client, assessment, bank):
    from assessment.models import Question

    backups, care = bank.questions[2:]
    Question.objects.filter(pk=backups.pk).update(critical=True)
    for question in (backups, care):
        AnswerFactory(assessment=assessment, question=question, level=3)
    page = officer_client.get(theme_url(assessment, bank.themes[1])).content.decode()
    assert page.count("Without one, this baseline control counts as a critical alert.") == 1
    assert page.count("Without one, this answer counts as an unverified claim.") == 1
