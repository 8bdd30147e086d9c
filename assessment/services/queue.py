"""Where background tasks run: on a worker (`manage.py db_worker`, production), or inline in the request that
queues them (TASKS_INLINE: the embedded default and the tests)."""

from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.tasks.backends.immediate import ImmediateBackend


def tasks_run_inline() -> bool:
    # The backend itself: `django.tasks.default_task_backend` is a proxy, which isinstance does not see through.
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)
