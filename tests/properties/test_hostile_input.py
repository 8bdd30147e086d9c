"""Random and hostile values posted to the forms an officer and an administrator fill in: each post is either
accepted, with the value stored exactly, or refused with a 4xx and nothing changed. Never a server error, on
SQLite or on PostgreSQL (CI runs both), whose limits differ: integer ranges, NUL characters, lengths."""

import pytest
from django import forms
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assessment.models import Answer, EvidenceItem, Invitation, Membership

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)

# Integers beyond every database's range, text with NUL and other control characters, over-long text.
hostile_int = st.one_of(st.integers(), st.integers(min_value=2**31 - 2, max_value=2**70), st.integers(max_value=-1))
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.just("\x00"),
    st.text(min_size=5001, max_size=5200),
    st.sampled_from(["1", "5", "na", "NA", " 3", "0", "6", "-1", "1.0", "٣", "１"]),
)
int_or_text = st.one_of(hostile_int.map(str), hostile_text)
# What a person would type, so that the accepted path is exercised as often as the refused one.
plain_text = st.text(alphabet=st.characters(exclude_characters="\x00", codec="utf-8"), max_size=300)
some_text = plain_text.filter(lambda text: text.strip())


def _answers(assessment) -> list[tuple]:
    return list(
        Answer.objects.filter(assessment=assessment)
        .order_by("question_id")
        .values_list("question_id", "level", "is_not_applicable", "evidence", "version")
    )


def with_hostile(valid: dict, hostile=int_or_text) -> st.SearchStrategy[dict]:
    """A valid form, with none or one of its fields replaced by a hostile value: each field is tried against
    hostile input while the rest of the form is valid, and the accepted path is exercised too."""
    return st.tuples(
        st.fixed_dictionaries(valid), st.dictionaries(st.sampled_from(sorted(valid)), hostile, max_size=1)
    ).map(lambda pair: pair[0] | pair[1])


@PROPERTY_SETTINGS
@given(
    data=with_hostile(
        {
            "question": st.integers(min_value=0, max_value=3),  # an index into the bank's questions
            "level": st.sampled_from(["", "1", "2", "3", "4", "5"]),
            "evidence": plain_text,
            "version": st.just(""),
        },
        hostile=st.one_of(int_or_text, hostile_text),
    )
)
def test_autosave_stores_exactly_what_was_sent_or_refuses_it(client, assessment, bank, council, data):
    client.force_login(council.officer)
    if isinstance(data["question"], int):
        data["question"] = str(bank.questions[data["question"]].pk)
    before = _answers(assessment)
    response = client.post(reverse("answer_autosave", kwargs={"pk": assessment.pk}), data)
    event(f"autosave answered {response.status_code}")
    assert response.status_code in (200, 400, 409), response.content[:300]
    if response.status_code == 200:
        # The number as a form field reads it ("1." and " 1" are question 1).
        answer = Answer.objects.get(assessment=assessment, question_id=forms.IntegerField().clean(data["question"]))
        assert answer.evidence == data["evidence"].replace("\r\n", "\n")
        level = data["level"]
        assert (answer.level, answer.is_not_applicable) == (
            (None, True) if level == "na" else ((int(level), False) if level else (None, False))
        )
    else:
        assert _answers(assessment) == before


@PROPERTY_SETTINGS
@given(
    data=with_hostile(
        {
            "description": some_text,
            "link": st.sampled_from(["", "https://intranet.example.gov.uk/strategy", "HTTP://A.EXAMPLE/x"]),
            "owner": some_text,
            "dated_0": st.integers(1, 28).map(str),
            "dated_1": st.integers(1, 12).map(str),
            "dated_2": st.integers(2000, 2026).map(str),
        },
        hostile=st.one_of(int_or_text, hostile_text),
    )
)
def test_an_evidence_item_is_stored_exactly_or_refused(client, assessment, bank, council, data):
    client.force_login(council.officer)
    question = bank.questions[0]
    before = EvidenceItem.objects.count()
    url = reverse("evidence_items", kwargs={"pk": assessment.pk, "question_id": question.pk})
    response = client.post(url, data)
    event(f"evidence item answered {response.status_code}")
    assert response.status_code in (302, 400), response.content[:300]
    if response.status_code == 302:
        item = EvidenceItem.objects.latest("pk")
        assert (item.description, item.owner) == (data["description"].strip(), data["owner"].strip())
        assert (item.dated.day, item.dated.month, item.dated.year) == tuple(int(data[f"dated_{n}"]) for n in range(3))
    else:
        assert EvidenceItem.objects.count() == before


@PROPERTY_SETTINGS
@given(
    email=st.one_of(st.emails(), hostile_text, st.emails().map(lambda e: "x" * 250 + e)),
    role=st.one_of(st.sampled_from(["officer", "lead", "organisation_admin"]), hostile_text),
)
def test_an_invitation_is_created_exactly_or_refused(client, council, email, role):
    admin = Membership.objects.filter(organisation=council.organisation, role="lead").first().user
    client.force_login(admin)
    before = Invitation.objects.count()
    response = client.post(reverse("team", kwargs={"pk": council.organisation.pk}), {"email": email, "role": role})
    event(f"invitation answered {response.status_code}")
    assert response.status_code in (302, 400, 403), response.content[:300]
    if response.status_code == 302:
        assert Invitation.objects.latest("pk").email == email.strip().lower()
    else:
        assert Invitation.objects.count() == before
