"""Officers answering at once: each signs in, opens their theme, and saves their own questions as they go (as
the theme page's autosave does, carrying the version each save returns), looking at the theme page and the
task list now and then. Two officers share one question, so their saves conflict; a 409 is the service
working, counted apart from errors.

Every acknowledged save is written to ACKS_PATH (one JSON line each), for the runner to check against the
database afterwards. A save whose connection broke (a worker killed mid-request) is retried once, as the
page's script retries.

The timings are those of the officers at work: each waits until all have signed in, and the last to sign in
starts the statistics afresh, so that 30 password checks at once (each deliberately slow) are not counted as
the pages' time. Every failure of the whole run, signing in included, is written to FAILURES_PATH.
"""

import itertools
import json
import os
import random
import threading
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
ACKS_PATH = os.environ["LOAD_ACKS"]
FAILURES_PATH = os.environ["LOAD_FAILURES"]
_people = itertools.cycle(PLAN)
_lock = threading.Lock()
_acks = open(ACKS_PATH, "a")  # noqa: SIM115 - open for the life of the locust process
_failures = open(FAILURES_PATH, "a")  # noqa: SIM115 - open for the life of the locust process
_signed_in = 0
_everyone_signed_in = threading.Event()


@events.request.add_listener
def _failure_recorded(name, exception, **kwargs) -> None:
    if exception is not None:
        with _lock:
            _failures.write(f"{name}: {exception}\n")
            _failures.flush()


def _record(entry: dict) -> None:
    with _lock:
        _acks.write(json.dumps(entry) + "\n")
        _acks.flush()


def _retried() -> None:
    events.request.fire(request_type="RETRY", name="retried after a broken connection", response_time=0,
                        response_length=0, exception=None, context={})  # fmt: skip


class Officer(HttpUser):
    wait_time = between(0.3, 1.2)

    def on_start(self):
        global _signed_in
        with _lock:
            self.person = next(_people)
        self.versions: dict[int, int | None] = {}
        try:
            self.client.get("/accounts/sign-in/", name="sign-in page")
            self.client.post(
                "/accounts/sign-in/",
                {
                    "username": self.person["email"],
                    "password": self.person["password"],
                    "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
                },
                name="sign in",
            )
            self.csrf = self.client.cookies.get("csrftoken", "")
        finally:
            with _lock:
                _signed_in += 1
                last = _signed_in == self.environment.parsed_options.num_users
            if last:
                self.environment.stats.reset_all()
                _everyone_signed_in.set()
        _everyone_signed_in.wait()
        self.theme_page()

    @task(6)
    def autosave(self):
        question = random.choice(self.person["questions"])
        level = str(random.randint(1, 5))
        evidence = f"Load test note {random.getrandbits(48):x}"
        data = {"question": question, "level": level, "evidence": evidence,
                "version": "" if self.versions.get(question) is None else self.versions[question]}  # fmt: skip
        for attempt in range(2):
            with self.client.post(
                f"/assessments/{self.person['assessment']}/answers/autosave/",
                data,
                headers={"X-CSRFToken": self.csrf, "Referer": self.host},
                name="autosave (pair, same question)" if self.person["pair"] else "autosave",
                catch_response=True,
            ) as response:
                if response.status_code == 200:
                    body = response.json()
                    self.versions[question] = body["version"]
                    _record({"question": question, "assessment": self.person["assessment"], "level": level,
                             "evidence": evidence, "version": body["version"]})  # fmt: skip
                    response.success()
                    return
                if response.status_code == 409:
                    self.versions[question] = response.json()["current"]["version"]
                    events.request.fire(request_type="CONFLICT", name="409 (someone else saved first)",
                                        response_time=0, response_length=0, exception=None, context={})  # fmt: skip
                    response.success()
                    return
                if response.status_code == 0 and attempt == 0:  # the connection broke: try once more
                    _retried()
                    response.success()
                    continue
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return

    @task(2)
    def theme_page(self):
        self._get(f"/assessments/{self.person['assessment']}/themes/{self.person['theme']}/", name="theme page")

    @task(1)
    def task_list(self):
        self._get(f"/assessments/{self.person['assessment']}/", name="task list")

    def _get(self, path: str, name: str) -> None:
        """A page load, tried once more if the connection broke (as a browser does when a worker dies)."""
        for attempt in range(2):
            with self.client.get(path, name=name, catch_response=True) as response:
                if response.status_code == 0 and attempt == 0:
                    _retried()
                    response.success()
                    continue
                if response.status_code != 200:
                    response.failure(f"{response.status_code}")
                return
