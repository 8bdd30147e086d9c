"""What `/healthz` reports: the database, which the service cannot work without, and the dependencies it
works without, only more slowly or later (the cache, the background task queue)."""

import logging
from datetime import timedelta

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

from assessment.services.queue import tasks_run_inline

logger = logging.getLogger(__name__)

OK = "ok"
# Tasks waiting longer than this mean no worker is taking them.
TASK_QUEUE_PATIENCE = timedelta(minutes=5)


def dependencies_check() -> dict[str, str]:
    """Each dependency's state, in words an operator can act on; "ok" when it is fine."""
    states = {"database": OK, "cache": OK, "tasks": OK}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return {**states, "database": "unavailable", "tasks": "unknown"}
    try:
        cache.get("healthz")
    except Exception:  # each cache backend raises its own connection errors
        logger.warning("Health check: the cache did not answer", exc_info=True)
        states["cache"] = "unavailable: reports and pages work, more slowly; rate limits are not shared"
    if not tasks_run_inline():
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.ready().filter(enqueued_at__lt=timezone.now() - TASK_QUEUE_PATIENCE).count()
        if waiting:
            minutes = int(TASK_QUEUE_PATIENCE.total_seconds() // 60)
            states["tasks"] = f"{waiting} waiting over {minutes} minutes: is a worker (manage.py db_worker) running?"
    return states
