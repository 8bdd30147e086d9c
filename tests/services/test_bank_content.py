"""A published question bank is read from the database once per process; a draft every time, so an editor's
preview shows each change at once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import BankVersion
from assessment.selectors import bank_content
from tests.factories import BankVersionFactory, QuestionFactory, ThemeFactory


def test_a_published_version_is_read_once_with_every_question_in_order(bank):
    first = bank_content(version_id=bank.version.id)
    with CaptureQueriesContext(connection) as queries:
        again = bank_content(version_id=bank.version.id)
    assert len(queries) == 0
    assert again is first
    assert [q.key for q in first.questions] == ["devices", "connectivity", "backups", "care-data"]
    assert [t.key for t in first.themes] == ["hybrid-working", "cyber-security"]
    with CaptureQueriesContext(connection) as queries:
        question = first.questions_by_id[bank.questions[2].id]
        assert question.theme.key == "cyber-security"
        list(question.levels.all()), list(question.recommendations.all()), list(question.sources.all())
    assert len(queries) == 0


def test_a_draft_is_read_afresh_each_time(db):
    draft = BankVersionFactory(status=BankVersion.Status.DRAFT, published_at=None)
    theme = ThemeFactory(version=draft, key="data")
    QuestionFactory(theme=theme, key="first", position=1)
    assert [q.key for q in bank_content(version_id=draft.id).questions] == ["first"]

    second = QuestionFactory(theme=theme, key="second", position=2)
    second.levels.filter(level=3).update(descriptor="Written down and followed")
    content = bank_content(version_id=draft.id)
    assert [q.key for q in content.questions] == ["first", "second"]
    levels = {d.level: d.descriptor for d in content.questions_by_id[second.id].levels.all()}
    assert levels[3] == "Written down and followed"
