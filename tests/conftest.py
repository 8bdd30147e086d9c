from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.management import call_command

from assessment.models import Assessment, Membership, Organisation, Question, Theme, User
from assessment.selectors import bank_content_forget
from tests.factories import (
    AssessmentFactory,
    BankVersionFactory,
    MembershipFactory,
    OrganisationFactory,
    QuestionFactory,
    ThemeFactory,
    UserFactory,
)


@dataclass
class Council:
    organisation: Organisation
    officer: User
    lead: User


@dataclass
class Bank:
    """A small published bank: two themes, one question in the second that only county councils answer."""

    version: object
    themes: list[Theme]
    questions: list[Question]


@pytest.fixture
def bank(db) -> Bank:
    version = BankVersionFactory()
    first = ThemeFactory(version=version, key="hybrid-working", title="Hybrid working", position=1)
    second = ThemeFactory(version=version, key="cyber-security", title="Cyber security", position=2)
    questions = [
        QuestionFactory(theme=first, key="devices", weight=2, position=1),
        QuestionFactory(theme=first, key="connectivity", weight=1, position=2, allows_not_applicable=True),
        QuestionFactory(theme=second, key="backups", weight=1, position=1),
        QuestionFactory(theme=second, key="care-data", position=2, applies_to=["county", "unitary"]),
    ]
    return Bank(version=version, themes=[first, second], questions=questions)


def _council(name: str, council_type: str) -> Council:
    organisation = OrganisationFactory(name=name, council_type=council_type)
    officer = MembershipFactory(organisation=organisation, role=Membership.Role.OFFICER).user
    lead = MembershipFactory(organisation=organisation, role=Membership.Role.LEAD).user
    return Council(organisation=organisation, officer=officer, lead=lead)


@pytest.fixture
def council(db) -> Council:
    return _council("Exampleshire County Council", Organisation.CouncilType.COUNTY)


@pytest.fixture
def other_council(db) -> Council:
    return _council("Othertown District Council", Organisation.CouncilType.DISTRICT)


@pytest.fixture
def platform_admin(db) -> User:
    return UserFactory(email="admin@platform.example", is_staff=True, is_superuser=True)


@pytest.fixture
def assessment(bank, council) -> Assessment:
    return AssessmentFactory(organisation=council.organisation, bank_version=bank.version, created_by=council.officer)


@pytest.fixture
def published(db):
    """The full shipped question bank, edition 1, loaded and published as version 1."""
    from assessment.services.bank_files import shipped_editions
    from assessment.services.question_banks import question_bank_load

    return question_bank_load(path=shipped_editions()[0]).version


@pytest.fixture
def demo(settings):
    """The question bank and the demo councils, people and assessments, as `make run` sets them up."""
    settings.DEBUG = True  # seed_demo only runs locally
    call_command("load_question_bank", verbosity=0)
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached reports and no rate-limit counts left by another test's sign-ins, and
    with no question bank kept in memory: ids rolled back by one test are used again by the next."""
    cache.clear()
    bank_content_forget()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is deliberately slow; the tests make hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """A real OpenID Provider (django-oauth-toolkit) on loopback, for the single sign-on tests."""
    from tests.oidc_provider import provider_start

    provider = provider_start(
        ["http://testserver/accounts/single-sign-on/callback/"], tmp_path_factory.mktemp("oidc-provider")
    )
    yield provider
    provider.process.terminate()
    provider.process.wait(timeout=10)


def _task_backends_reset():
    """Django's task backends are read from settings once; make them read them again."""
    from django.tasks import task_backends

    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    for alias in ("default",):
        if hasattr(task_backends._connections, alias):
            delattr(task_backends._connections, alias)


@pytest.fixture
def task_queue(settings, monkeypatch):
    """Tasks queued in the database for a worker, as in production, instead of run inline as in the other
    tests. Calling the fixture's value runs what is queued, with `manage.py db_worker` itself."""
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    # The worker closes connections it thinks are stale; the test's own connection holds its transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    _task_backends_reset()
    yield lambda: call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    _task_backends_reset()
