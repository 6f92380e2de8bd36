"""The day's mix of 50 caseworkers against the production server (run by
bench/load.sh; not a test). Each simulated caseworker logs in once — password,
then the TOTP code — and then lists, searches, opens case files, adds notes
and records attendance on an activity of its own. Every write the server
acknowledged is written to `.local/load/writes.json`, for bench/load_check.py
to find in the database afterwards.

Bounded: the run stops after LOAD_MAX_REQUESTS requests (default 6,000) or
locust's --run-time, whichever comes first."""

import base64
import hmac
import json
import os
import random
import re
import struct
import time
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / ".local" / "load"
DATA = json.loads((OUT / "users.json").read_text())
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "6000"))
RUN = os.environ.get("LOAD_RUN", uuid.uuid4().hex[:8])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


_accounts = iter(DATA["users"])
# Acknowledged writes must all be in the database. A write whose answer was
# lost (a killed worker) may or may not be: it is kept apart ("unacknowledged").
writes = {
    "run": RUN,
    "notes": [],
    "notes_unacknowledged": [],
    "attendance": {},
    "attendance_unacknowledged": {},
    "errors": [],
}
sent = {"requests": 0}
# The day's requests, logins apart (they happen once, at the start, and are
# paced by password hashing): latencies and failures for the summary.
LOGIN = {"login page", "login", "login (TOTP)"}
day = {"latencies": [], "failures": 0, "started": None, "ended": None}


def totp(secret: str, period: int = 30, digits: int = 6) -> str:
    """The current TOTP code (RFC 6238, as allauth's defaults: SHA-1, 30 s,
    6 digits), without loading Django into the load generator."""
    key = base64.b32decode(secret)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // period), "sha1").digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


@events.request.add_listener
def _count(request_type, name, response_time, response_length, exception=None, **kwargs):
    sent["requests"] += 1
    if name not in LOGIN:
        now = time.time()
        day["started"] = day["started"] or now
        day["ended"] = now
        day["latencies"].append(response_time)
        day["failures"] += exception is not None
    if sent["requests"] >= MAX_REQUESTS:
        runner = kwargs.get("context", {}).get("runner") or _runner.get("runner")
        if runner is not None:
            runner.quit()


_runner = {}


@events.init.add_listener
def _keep_runner(environment, **kwargs):
    _runner["runner"] = environment.runner


@events.quitting.add_listener
def _save(environment, **kwargs):
    (OUT / "writes.json").write_text(json.dumps(writes))
    latencies = sorted(day["latencies"])
    if not latencies:
        return
    seconds = max(day["ended"] - day["started"], 1e-9)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))]

    summary = (
        f"day's mix (logins apart): {len(latencies)} requests in {seconds:.0f} s, "
        f"{len(latencies) / seconds:.1f} req/s, p50 {pct(0.50):.0f} ms, p95 {pct(0.95):.0f} ms, "
        f"p99 {pct(0.99):.0f} ms, failures {day['failures']}"
    )
    (OUT / "summary.txt").write_text(summary + "\n")
    print(summary)


class Caseworker(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        self.account = next(_accounts)
        self.marks = None
        for _attempt in range(20):
            page = self.client.get("/compte/login/", name="login page")
            token = CSRF.search(page.text).group(1)
            with self.client.post(
                "/compte/login/",
                {
                    "login": self.account["email"],
                    "password": DATA["password"],
                    "csrfmiddlewaretoken": token,
                },
                name="login",
                catch_response=True,
            ) as response:
                # allauth allows 30 logins a minute from one address (all the
                # simulated caseworkers share 127.0.0.1): wait, as a person would.
                if response.status_code != 429:
                    break
                response.success()
                writes["login_throttled"] = writes.get("login_throttled", 0) + 1
            time.sleep(10)
        token = CSRF.search(response.text).group(1)
        response = self.client.post(
            "/compte/2fa/authenticate/",
            {"code": totp(DATA["secret"]), "csrfmiddlewaretoken": token},
            name="login (TOTP)",
        )
        if not response.url.rstrip("/").endswith(str(self.host).rstrip("/")):
            response.failure(f"not logged in: {response.url}")

    def _token(self, html: str) -> str | None:
        found = CSRF.search(html)
        return found.group(1) if found else self.client.cookies.get("csrftoken")

    @task(4)
    def list_page(self):
        self.client.get("/beneficiaires/", name="list")

    @task(3)
    def search(self):
        needle = random.choice(self.account["names"])[: random.randint(3, 8)]
        self.client.get("/beneficiaires/", params={"q": needle, "files": "all"}, name="search")

    @task(3)
    def case_file(self):
        person = random.choice(self.account["people"])
        self.client.get(f"/beneficiaires/{person}/", name="case file")

    @task(1)
    def add_note(self):
        person = random.choice(self.account["people"])
        page = self.client.get(f"/beneficiaires/{person}/", name="case file")
        body = f"Charge {RUN} {uuid.uuid4().hex}"
        with self.client.post(
            f"/beneficiaires/{person}/notes/",
            {
                "body": body,
                "confidentiality": "team",
                "csrfmiddlewaretoken": self._token(page.text),
            },
            name="add note",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            # Saved: back to the case file (a redirect to the login page is not).
            saved = "/compte/" not in response.headers.get("Location", "/compte/")
            if response.status_code == 302 and saved:
                writes["notes"].append(body)
            elif response.status_code == 0 or response.status_code >= 500:
                writes["notes_unacknowledged"].append(body)
                writes["errors"].append(["note", response.status_code])
                response.failure(f"note: HTTP {response.status_code}")
            else:
                writes["errors"].append(["note", response.status_code])
                response.failure(f"note: HTTP {response.status_code}")

    @task(1)
    def record_attendance(self):
        activity = self.account["activity"]
        page = self.client.get(f"/sessions/activites/{activity}/", name="attendance page")
        marks = {
            field: random.choice(["present", "late", "excused", "unexcused"])
            for field in self.account["fields"]
        }
        with self.client.post(
            f"/sessions/activites/{activity}/",
            {**marks, "csrfmiddlewaretoken": self._token(page.text)},
            name="record attendance",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            saved = "/compte/" not in response.headers.get("Location", "/compte/")
            if response.status_code == 302 and saved:
                writes["attendance"][str(activity)] = marks
                writes["attendance_unacknowledged"].pop(str(activity), None)
            elif response.status_code == 0 or response.status_code >= 500:
                writes["attendance_unacknowledged"].setdefault(str(activity), []).append(marks)
                writes["errors"].append(["attendance", response.status_code])
                response.failure(f"attendance: HTTP {response.status_code}")
            else:
                writes["errors"].append(["attendance", response.status_code])
                response.failure(f"attendance: HTTP {response.status_code}")
