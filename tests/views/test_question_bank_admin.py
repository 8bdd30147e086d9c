"""Question-bank editing in the admin: editors draft, edit, preview and publish; nobody changes a published
version; people without the editors' permissions cannot change a bank at all."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import BankVersion, Question
from assessment.services.question_banks import (
    bank_version_create_draft,
    bank_version_serialise,
    editors_group_ensure,
)
from tests.factories import UserFactory
from tests.two_factor import sign_in_with_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = UserFactory(is_staff=True)
    user.groups.add(editors_group_ensure())
    sign_in_with_code(client, user)
    return user


def question_change_data(question: Question, **changes) -> dict:
    data = {
        "theme": question.theme_id, "key": question.key, "text": question.text, "guidance": question.guidance,
        "weight": question.weight, "applies_to": question.applies_to, "pillars": question.pillars,
        "frameworks": '[]', "replaces": "", "position": question.position,
    }  # fmt: skip
    for prefix, related in (("levels", question.levels), ("recommendations", question.recommendations)):
        rows = list(related.all())
        data |= {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)}
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-question"] = question.pk
            data[f"{prefix}-{i}-level"] = row.level
            if prefix == "levels":
                data[f"{prefix}-{i}-descriptor"] = row.descriptor
            else:
                data |= {f"{prefix}-{i}-text": row.text, f"{prefix}-{i}-effort": row.effort}
    sources = list(question.sources.all())
    data |= {"sources-TOTAL_FORMS": len(sources), "sources-INITIAL_FORMS": len(sources)}
    for i, s in enumerate(sources):
        data |= {f"sources-{i}-id": s.pk, f"sources-{i}-question": question.pk, f"sources-{i}-title": s.title,
                 f"sources-{i}-publisher": s.publisher, f"sources-{i}-year": s.year,
                 f"sources-{i}-quote": s.quote, f"sources-{i}-position": s.position}  # fmt: skip
    return data | changes


def test_a_published_question_cannot_be_changed_in_the_admin(client, editor, published):
    question = published.questions.order_by("id").first()
    url = reverse("admin:assessment_question_change", args=[question.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'type="submit" value="Save"' not in page.content.decode()
    response = client.post(url, question_change_data(question, text="Changed?"))
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.text != "Changed?"


def test_an_editor_drafts_edits_previews_and_publishes(client, editor, published):
    response = client.post(reverse("admin:assessment_questionbank_new_draft", args=[published.bank_id]))
    draft = BankVersion.objects.get(status=BankVersion.Status.DRAFT)
    assert response.url == reverse("admin:assessment_bankversion_change", args=[draft.pk])

    question = draft.questions.order_by("id").first()
    url = reverse("admin:assessment_question_change", args=[question.pk])
    response = client.post(url, question_change_data(question, text="How well does the council lead digital?"))
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.text == "How well does the council lead digital?"
    assert question.history.first().history_user == editor

    # The draft's page says "preview them", and links each theme's preview (it had no link to one).
    version_page = client.get(reverse("admin:assessment_bankversion_change", args=[draft.pk])).content.decode()
    preview_url = reverse("admin:assessment_theme_preview", args=[question.theme_id])
    assert "preview them" in version_page and f'href="{preview_url}"' in version_page
    preview = client.get(preview_url).content.decode()
    assert "How well does the council lead digital?" in preview and "Level 5: Leading" in preview
    assert "Add an evidence item" not in preview  # nothing in a preview can be saved

    confirm = client.get(reverse("admin:assessment_bankversion_publish", args=[draft.pk])).content.decode()
    assert "can never change" in confirm
    client.post(reverse("admin:assessment_bankversion_publish", args=[draft.pk]))
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == BankVersion.Status.PUBLISHED and published.status == BankVersion.Status.RETIRED
    assert published.questions.get(key=question.key).text != question.text


def test_publishing_an_invalid_draft_lists_the_problems(client, editor, published):
    draft = bank_version_create_draft(bank=published.bank)
    question = draft.questions.order_by("id").first()
    question.sources.all().delete()
    Question.objects.filter(pk=question.pk).update(frameworks=[])
    page = client.post(reverse("admin:assessment_bankversion_publish", args=[draft.pk])).content.decode()
    assert "cannot be published yet" in page and f"({question.key}).sources" in page
    draft.refresh_from_db()
    assert draft.status == BankVersion.Status.DRAFT


def test_export_and_import_in_the_admin(client, editor, published):
    export = client.get(reverse("admin:assessment_bankversion_export", args=[published.pk]) + "?format=yaml")
    assert export["Content-Disposition"] == 'attachment; filename="council-digital-maturity-v1.yaml"'
    upload = SimpleUploadedFile("bank.yaml", export.content)
    response = client.post(reverse("admin:assessment_questionbank_import"), {"file": upload})
    draft = BankVersion.objects.get(status=BankVersion.Status.DRAFT)
    assert response.url == reverse("admin:assessment_bankversion_change", args=[draft.pk])

    bad = SimpleUploadedFile("bad.yaml", b"bank: [unclosed")
    draft.delete()
    page = client.post(reverse("admin:assessment_questionbank_import"), {"file": bad}).content.decode()
    assert "The file was not imported" in page and "Line 1" in page
    assert not BankVersion.objects.filter(status=BankVersion.Status.DRAFT).exists()


@pytest.mark.parametrize(
    "name",
    [
        "admin:assessment_bankversion_publish",
        "admin:assessment_bankversion_retire",
        "admin:assessment_bankversion_delete_draft",
    ],
)
def test_staff_who_are_not_editors_cannot_change_a_bank(client, published, name):
    sign_in_with_code(client, UserFactory(is_staff=True))
    draft = bank_version_create_draft(bank=published.bank)
    assert client.post(reverse(name, args=[draft.pk])).status_code == 403
    assert client.post(reverse("admin:assessment_questionbank_new_draft", args=[published.bank_id])).status_code == 403
    assert client.get(reverse("admin:assessment_questionbank_import")).status_code == 403
    assert BankVersion.objects.get(pk=draft.pk).status == BankVersion.Status.DRAFT
    assert bank_version_serialise(version=published, fmt="json")


CUSTOM_ADMIN_URLS = [
    ("admin:assessment_theme_preview", "theme"),
    ("admin:assessment_bankversion_publish", "draft"),
    ("admin:assessment_bankversion_retire", "published"),
    ("admin:assessment_bankversion_delete_draft", "draft"),
    ("admin:assessment_bankversion_export", "published"),
    ("admin:assessment_questionbank_new_draft", "bank"),
    ("admin:assessment_questionbank_import", None),
]


@pytest.mark.parametrize(("name", "target"), CUSTOM_ADMIN_URLS)
@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("council member", 302), ("other staff", 403), ("editor", 200)]
)
def test_custom_admin_pages_for_each_role(client, published, council, name, target, role, expected):
    draft = bank_version_create_draft(bank=published.bank)
    args = {
        "theme": [draft.themes.first().pk],
        "draft": [draft.pk],
        "published": [published.pk],
        "bank": [published.bank_id],
        None: [],
    }[target]
    if role == "council member":
        client.force_login(council.officer)
    elif role == "other staff":
        sign_in_with_code(client, UserFactory(is_staff=True))
    elif role == "editor":
        user = UserFactory(is_staff=True)
        user.groups.add(editors_group_ensure())
        sign_in_with_code(client, user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith(reverse("admin:login"))


def test_the_preview_shows_the_themes_default_target_short_title_and_critical_questions(client, editor, published):
    cyber = published.themes.get(key="cyber-security")
    page = client.get(reverse("admin:assessment_theme_preview", args=[cyber.pk])).content.decode()
    assert "Short title for charts: “Cyber security”. Default target: level 4 (Embedded)." in page
    assert "cyber-backups-recovery" in page.split("Critical questions")[1].split("</p>")[0]


def test_every_question_bank_history_page_opens(client, platform_admin, published):
    sign_in_with_code(client, platform_admin)
    for name, obj in [
        ("questionbank", published.bank),
        ("bankversion", published),
        ("theme", published.themes.first()),
        ("question", published.questions.first()),
    ]:
        assert client.get(reverse(f"admin:assessment_{name}_history", args=[obj.pk])).status_code == 200, name


def test_saving_a_question_records_only_what_changed_in_its_history(client, editor, published):
    # Every save recorded "Pillars: [resilient, reform] → [reform, resilient]": the boxes' order, not a change.
    client.post(reverse("admin:assessment_questionbank_new_draft", args=[published.bank_id]))
    draft = BankVersion.objects.get(status=BankVersion.Status.DRAFT)
    question = next(q for q in draft.questions.order_by("id") if q.pillars != sorted(q.pillars, key=PILLAR_ORDER.index))
    stored_pillars, stored_types = list(question.pillars), list(question.applies_to)
    data = question_change_data(
        question, text="Reworded", pillars=stored_pillars[::-1], frameworks=json.dumps(question.frameworks)
    )
    assert client.post(reverse("admin:assessment_question_change", args=[question.pk]), data).status_code == 302
    question.refresh_from_db()
    assert (question.pillars, question.applies_to) == (stored_pillars, stored_types)
    latest = question.history.first()
    assert [change.field for change in latest.diff_against(latest.prev_record).changes] == ["text"]


PILLAR_ORDER = Question.Pillar.values


@pytest.mark.parametrize(
    ("filename", "edit", "problem"),
    [
        ("bank.yaml", lambda text: text.replace("weight: 2", "weight: " + "9" * 5000, 1), "cannot be read"),
        ("bank.yaml", lambda text: text.replace("status: published", "published_at: 2001-02-30", 1), "cannot be read"),
        ("bank.yaml", lambda text: "1: x\n" + text, "1"),
        ("bank.json", lambda text: text.replace('"title": "', '"title": "\\u0000', 1), "cannot be stored"),
        ("bank.json", lambda text: text.replace('"title": "', '"title": "\\ud800', 1), "cannot be stored"),
    ],
)
def test_an_import_that_cannot_be_read_or_stored_is_refused_with_a_message(
    client, editor, published, filename, edit, problem
):
    # Each was a server error: a number too long for Python, an impossible date, a number as a top-level key, and
    # a NUL or half a character, which PostgreSQL cannot store.
    fmt = filename.rsplit(".", 1)[1]
    export = client.get(reverse("admin:assessment_bankversion_export", args=[published.pk]) + f"?format={fmt}")
    upload = SimpleUploadedFile(filename, edit(export.content.decode()).encode())
    response = client.post(reverse("admin:assessment_questionbank_import"), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file was not imported" in page and problem in page
    assert not BankVersion.objects.filter(status=BankVersion.Status.DRAFT).exists()


@pytest.mark.parametrize(
    "frameworks",
    ["[" * 5000 + "]" * 5000, "[" + "9" * 5000 + "]", '[{"framework": "A\\u0000", "ref": "1"}]', '["\\ud800"]'],
)
def test_a_question_s_framework_references_that_cannot_be_stored_are_refused(client, editor, published, frameworks):
    client.post(reverse("admin:assessment_questionbank_new_draft", args=[published.bank_id]))
    question = BankVersion.objects.get(status=BankVersion.Status.DRAFT).questions.order_by("id").first()
    before = question.frameworks
    data = question_change_data(question, frameworks=frameworks)
    response = client.post(reverse("admin:assessment_question_change", args=[question.pk]), data)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    question.refresh_from_db()
    assert question.frameworks == before


def test_a_history_entry_that_is_not_a_number_is_not_found(client, editor, published):
    theme = published.themes.first()
    url = reverse("admin:assessment_theme_history", args=[theme.pk]) + "abc/"
    assert client.get(url).status_code == 404
