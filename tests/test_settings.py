"""Production configuration that a deployment relies on."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_is_running(), reason="needs Redis on 127.0.0.1:6379 (CI has it)")
def test_a_redis_cache_url_gives_a_working_shared_cache():
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup()\n"
        "from django.core.cache import caches\n"
        "cache = caches['default']\n"
        "cache.set('maturity-settings-check', 'ok', 30)\n"
        "print(type(cache).__name__, cache.get('maturity-settings-check'))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "CACHE_URL": "redis://127.0.0.1:6379/15"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "RedisCache ok", result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "false", "DATABASE_URL": "sqlite:///:memory:"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
