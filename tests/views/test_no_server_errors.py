"""Inputs that used to be server errors: each is now a clear answer, on SQLite and on PostgreSQL."""

import datetime
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from assessment.models import Action, Answer, EvidenceItem, Invitation
from assessment.services.collaboration import evidence_item_add
from tests.factories import AnswerFactory
from tests.two_factor import sign_in_with_code

ROOT = Path(__file__).resolve().parents[2]


def test_a_disallowed_host_is_a_400_page_not_a_server_error(client, settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["maturity.council.example"]
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "Something was wrong with that request" in response.content.decode()


def test_the_history_of_an_unanswered_or_carried_forward_answer_is_shown(client, assessment, bank, council):
    carried = bank.questions[0]
    Answer.objects.bulk_create(  # as the next cycle copies answers: no history rows at all
        [
            Answer(
                assessment=assessment, question=carried, level=3, answered_at="2026-04-01T00:00Z", carried_forward=True
            )
        ]
    )
    client.force_login(council.lead)
    for question in (carried, bank.questions[1]):  # carried forward; not answered at all
        response = client.get(reverse("answer_history", kwargs={"pk": assessment.pk, "question_id": question.id}))
        assert response.status_code == 200


def test_an_upper_case_evidence_link_is_stored_in_lower_case(assessment, bank, council):
    item = evidence_item_add(
        assessment=assessment, question=bank.questions[0], user=council.officer, description="Policy",
        link="HTTPS://Intranet.example/Policy", owner="IT", dated=datetime.date(2026, 3, 27),
    )  # fmt: skip
    item.refresh_from_db()
    assert item.link == "https://Intranet.example/Policy"
    assert EvidenceItem.objects.count() == 1


def test_an_over_long_action_question_key_is_refused(client, assessment, council):
    client.force_login(council.lead)
    response = client.post(
        reverse("assessment_actions", kwargs={"pk": assessment.pk}),
        {"question_key": "q" * 101, "text": "Do it", "owner": "IT", "due_date": ""},
    )
    assert response.status_code in (200, 400)
    assert not Action.objects.exists()


def test_an_over_long_invitation_email_is_refused(client, council):
    from tests.factories import MembershipFactory

    admin = MembershipFactory(organisation=council.organisation, role="organisation_admin").user
    sign_in_with_code(client, admin)
    email = "a" * 250 + "@b.example"  # 260 characters: a valid address form, longer than any email column
    response = client.post(reverse("team", kwargs={"pk": council.organisation.pk}), {"email": email, "role": "officer"})
    assert response.status_code == 400
    assert "must be 254 characters or fewer" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_report_downloads_when_the_cache_is_unreachable(client, settings, assessment, bank, council):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    AnswerFactory(assessment=assessment, question=bank.questions[0], level=3)
    client.force_login(council.officer)
    response = client.get(reverse("assessment_report_pdf", kwargs={"pk": assessment.pk}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_redis_that_does_not_answer_is_given_up_on_within_half_a_second(tmp_path):
    """Redis reached but silent (a network fault, a hung server): each cache call gives up after half a second,
    not redis-py's five, and the service goes on without the cache, as when Redis refuses the connection."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel accepts connections; nothing ever replies
        script = (
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup()\n"
            "from django.conf import settings\n"
            "from django.test import Client\n"
            "options = settings.CACHES['default']['OPTIONS']\n"
            "print(options['socket_connect_timeout'], options['socket_timeout'])\n"
            "print(Client(HTTP_HOST='localhost').get('/healthz').json()['cache'])\n"
        )
        env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
               "CACHE_URL": f"redis://127.0.0.1:{silent.getsockname()[1]}/0"}  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
        )
    assert result.returncode == 0, result.stderr
    timeouts, health = result.stdout.strip().splitlines()[-2:]
    assert timeouts == "0.5 0.5"
    assert health.startswith("unavailable")


@pytest.mark.parametrize("email_url", ["consolemail://", "smtp://localhost:25"])
def test_every_email_url_gives_a_backend_that_can_be_built(email_url):
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup()\n"
        "from django.core.mail import mailers\n"
        "print(type(mailers['default']).__module__)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "EMAIL_URL": email_url}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("django.core.mail.backends.")


def test_email_url_notify_without_its_key_stops_start_up_and_says_what_is_missing():
    """Not later, as invitations that stay "Sending" because the email backend cannot be built."""
    script = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup()\n"
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "EMAIL_URL": "notify://",
           "NOTIFY_TEMPLATE_ID": "f33517ff-2a88-4f6e-b855-c550268ce08a"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "NOTIFY_API_KEY" in result.stderr


def test_email_url_notify_gives_the_notify_backend():
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup()\n"
        "from django.core.mail import mailers\n"
        "print(type(mailers['default']).__name__)\n"
    )
    key = "maturity-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "EMAIL_URL": "notify://", "NOTIFY_API_KEY": key,
           "NOTIFY_TEMPLATE_ID": "f33517ff-2a88-4f6e-b855-c550268ce08a"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "NotifyEmailBackend"


def test_signing_in_with_an_address_longer_than_any_email_is_refused(client, db):
    # On PostgreSQL django-axes could not record the failed attempt (its column holds 255 characters): a 500.
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "z" * 246 + "@x.example", "password": "p"})
    assert response.status_code == 200 and "Enter a valid email address" in response.content.decode()
    assert not AccessAttempt.objects.filter(username__startswith="zzz").exists()


def test_a_reply_to_the_lead_with_a_nul_character_is_refused(client, assessment, bank, council):
    # PostgreSQL cannot store NUL in text: the reply went straight from the request to the database.
    from tests.views.test_collaboration_views import cyber_security_returned

    check = cyber_security_returned(client, assessment, bank, council, "Why?")
    response = client.post(check, {"confirm": "on", f"reply-{bank.themes[1].id}": "fixed\x00"})
    assert response.status_code == 400
    assert "contains a character that cannot be saved" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_the_next_cycle_page_when_every_next_year_is_taken(client, assessment, bank, council):
    from assessment.models import Assessment
    from tests.factories import AssessmentFactory

    Assessment.objects.filter(pk=assessment.pk).update(status="submitted", submitted_at="2026-06-01T00:00Z")
    for year in range(2027, 2032):
        AssessmentFactory(organisation=council.organisation, bank_version=bank.version, period=f"{year}/{year - 1999}")
    client.force_login(council.lead)
    response = client.get(reverse("assessment_next_cycle", kwargs={"pk": assessment.pk}), follow=True)
    assert response.status_code == 200
    assert "already has an assessment for each of the next five years" in response.content.decode()


@pytest.mark.parametrize("query", ["?page=%00", "?%00=1", "?status__exact=%00"])
def test_a_nul_character_in_the_query_string_is_a_400(client, council, query):
    # PostgreSQL cannot compare text with NUL: the admin's list filters and search were 500s.
    client.force_login(council.officer)
    assert client.get(reverse("dashboard") + query).status_code == 400
    assert client.get("/admin/assessment/assessment/" + query).status_code == 400
