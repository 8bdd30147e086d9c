"""`make loadtest`: officers answering at once against gunicorn (2 workers) on loopback, with one worker killed
part way through, then a check that every acknowledged save is stored exactly as sent.

    python -m tests.load.run [--officers 30] [--seconds 60] [--kill-at 20] [--database postgres|sqlite]

PostgreSQL (a `maturity_load` database, made afresh) and Redis on this machine by default; `--database sqlite`
runs the embedded default instead (a file, without Redis). Prints requests per second, p50/p95/p99 per
endpoint, errors, conflicts, retried saves and lost saves, with the machine's load. Exits non-zero on any
error or lost save; the speed targets are reported, not enforced (a busy machine is not a fault).
"""

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TARGETS_MS = {"autosave": 150, "theme page": 300}  # p95 at 30 officers, on the 2-core machine this runs on


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_environment(database: str, work: Path, name: str = "maturity_load") -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SIGN_IN_RATE_PER_ADDRESS": "100000/m",  # every simulated officer signs in from this one address
        "EMAIL_URL": "consolemail://",
        "TASKS_INLINE": "true",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    if database == "postgres":
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        env["CACHE_URL"] = "redis://127.0.0.1:6379/7"
    else:
        env["DATABASE_URL"] = f"sqlite:///{work / 'load.sqlite3'}"
        env.pop("CACHE_URL", None)
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def database_prepare(database: str, env: dict) -> None:
    """A fresh database with the question bank, and the static files gunicorn serves with DEBUG off."""
    if database == "postgres":
        import psycopg

        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")
        import redis

        redis.Redis.from_url(env["CACHE_URL"]).flushdb()
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_question_bank", "-v0")  # prints what it publishes
    manage(env, "collectstatic", "--no-input", "-v0")


def wait_until_serving(url: str, process: subprocess.Popen) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped while starting: see its log above")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310 - our own http URL
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start serving")


def _worker_pids(master: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(stat.parent.name))
    return sorted(children)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officers", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--kill-at", type=int, default=20, help="seconds in; 0 kills no worker")
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="loadtest-"))
    env = server_environment(options.database, work)
    print(f"Load test: {options.officers} officers for {options.seconds} s on {options.database}, "
          f"gunicorn with 2 workers; load average before: {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
    database_prepare(options.database, env)
    plan, acks, failures = work / "plan.json", work / "acks.jsonl", work / "failures.txt"
    subprocess.run([str(BIN / "python"), "-m", "tests.load.database", "seed", str(options.officers), str(plan)],
                   cwd=ROOT, env=env, check=True)  # fmt: skip

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = open(work / "gunicorn.log", "w")  # noqa: SIM115 - closed once gunicorn has stopped
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until_serving(url, server)
        swarm = subprocess.Popen(
            [str(BIN / "locust"), "-f", "tests/load/locustfile.py", "--headless", "--users", str(options.officers),
             "--spawn-rate", str(max(1, options.officers // 5)), "--run-time", f"{options.seconds}s", "--host", url,
             "--csv", str(work / "stats"), "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "5"],
            cwd=ROOT, env={**env, "LOAD_PLAN": str(plan), "LOAD_ACKS": str(acks), "LOAD_FAILURES": str(failures)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        killed = None
        if options.kill_at:
            time.sleep(options.kill_at)
            workers = _worker_pids(server.pid)
            if workers:
                killed = workers[0]
                os.kill(killed, signal.SIGKILL)
                print(f"{options.kill_at} s in: killed gunicorn worker {killed} with SIGKILL", flush=True)
        swarm.wait()
        load_after = os.getloadavg()[0]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        server_log.close()

    verified = subprocess.run(
        [str(BIN / "python"), "-m", "tests.load.database", "verify", str(acks)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    check = json.loads(verified.stdout.strip().splitlines()[-1])
    log = (work / "gunicorn.log").read_text()
    locked = log.count("database is locked")
    server_errors = log.count("Internal Server Error")
    failed = failures.read_text().splitlines() if failures.exists() else []
    errors = _report(work / "stats_stats.csv", options, check, locked, server_errors, load_after, killed, failed)
    if errors or check["lost"] or locked:
        print(f"FAILED: see {work / 'gunicorn.log'}")
        sys.exit(1)


def _report(stats_csv: Path, options, check: dict, locked: int, server_errors: int, load_after: float, killed,
            failed: list[str]):  # fmt: skip
    rows = list(csv.DictReader(stats_csv.open()))
    counts = {(r["Type"], r["Name"]): int(r["Request Count"]) for r in rows}
    print(f"\nTimings from the moment all {options.officers} officers had signed in; errors over the whole run.")
    print(f"{'Endpoint':<34}{'requests':>9}{'errors':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}  target p95")
    for row in rows:
        if row["Type"] in ("CONFLICT", "RETRY") or row["Name"] == "Aggregated" or row["Request Count"] == "0":
            continue  # signing in happened before the statistics started
        target = TARGETS_MS.get(row["Name"])
        met = "" if target is None else f"< {target} ms: {'met' if float(row['95%']) < target else 'missed'}"
        print(f"{row['Name']:<34}{row['Request Count']:>9}{row['Failure Count']:>8}{row['50%']:>8}{row['95%']:>8}"
              f"{row['99%']:>8}  {met}")  # fmt: skip
    total = next(r for r in rows if r["Name"] == "Aggregated")
    conflicts = sum(n for (kind, _), n in counts.items() if kind == "CONFLICT")
    retries = sum(n for (kind, _), n in counts.items() if kind == "RETRY")
    requests = int(total["Request Count"]) - conflicts - retries
    print(f"\nRequests once all had signed in: {requests} ({float(total['Requests/s']):.1f} a second)")
    errors = len(failed)
    print(f"Errors over the whole run: {errors} (server errors logged: {server_errors}; "
          f"'database is locked': {locked})")  # fmt: skip
    for failure in failed[:5]:
        print(f"  {failure}")
    print(f"Conflicts (409, the pair on one question): {conflicts}")
    print(f"Requests retried after a broken connection: {retries}"
          + (f" (worker {killed} was killed)" if killed else ""))  # fmt: skip
    print(f"Acknowledged saves checked against the database: {check['checked']}; lost: {check['lost']}")
    if check["lost"]:
        print(f"  for example: {check['examples']}")
    print(f"Load average after: {load_after:.2f} (2 cores)")
    return errors


if __name__ == "__main__":
    main()
