"""/healthz: 200 while the service can serve, naming any dependency it is working without."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessment.services.report_files import report_file_request

pytestmark = pytest.mark.django_db


def test_all_well(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "tasks": "ok"}


def test_an_unreachable_cache_is_reported_as_degraded_not_down(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["cache"].startswith("unavailable")


def test_tasks_nobody_takes_are_reported(client, answered_assessment, task_queue):
    report_file_request(assessment=answered_assessment)
    assert client.get(reverse("healthz")).json()["tasks"] == "ok"  # just queued

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=6))
    body = client.get(reverse("healthz")).json()

    assert body["status"] == "degraded"
    assert body["tasks"].startswith("1 waiting over 5 minutes")


def test_an_unreachable_database_is_down(client, monkeypatch):
    from django.db import DatabaseError, connection

    def refuse(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["status"] == "down"


@pytest.fixture
def answered_assessment(assessment, bank, council):
    from tests.factories import AnswerFactory

    AnswerFactory(assessment=assessment, question=bank.questions[0], level=3, answered_by=council.officer)
    return assessment
