"""Load benchmark of the plan tracker: ``python benchmarks/tracker_load.py``.

What a partnership sees: 20 signed-in users, each pausing 1 s between pages, going round
the plan overview, an action page, "my actions" and an update posted to that action. The
target is a 95th percentile under 50 ms with no errors, on SQLite and on PostgreSQL. The
same users then go round with no pause (closed loop) for the capacity figures, which have
no target. Measures only: it asserts nothing.

It builds a plan of 6 themes, 300 actions and 3,000 updates through the tracker's services
on top of the Kestrel Vale demo, serves it with ``csp serve`` (gunicorn) in a child process,
signs the users in (each a lead, with an action of their own to update), and drives them
with ``wrk`` (an HTTP load generator in C, Debian package ``wrk``) and a Lua script: one
wrk thread and connection per user, so each has its own session and round of pages. A GET
answered otherwise than 200, or a POST otherwise than by a redirect back to its action
(saved), counts as an error; the errors are listed by page and status. Beside the
latencies it prints the server's CPU time per request (Linux), which does not depend on
what else the machine is running.

Options: ``--engine sqlite|postgres|both`` (default both), ``--seconds`` (per run),
``--users``, ``--pause-ms``, ``--workers`` (server processes, default one per CPU core),
``--threads`` (per process), ``--postgres-url`` (server to create a throwaway database on,
default the local one).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

THEMES, ACTIONS, UPDATES = 6, 300, 3000
TARGET_P95_MS = 50.0
LEADS = [
    "lead.police",
    "lead.council",
    "lead.fire",
    "lead.health",
    "lead.probation",
    "lead.youth",
    "lead.recovery",
]


def build(database_url: str) -> None:
    """Runs in a child process: Django is configured once per process."""
    from cspkit.demo.tracker import seed_demo

    seed_demo(database_url=database_url)
    from django.contrib.auth.models import User

    from cspkit.tracker.models import Partnership, Person
    from cspkit.tracker.services.plan import action_create, plan_create, theme_create
    from cspkit.tracker.services.updates import action_update_create
    from cspkit.tracker.status import RagStatus

    admin = User.objects.get(username="admin")
    # The newest plan, so "my actions" shows it; its period holds today and every update.
    start = date.today() - timedelta(days=30)
    plan = plan_create(
        created_by=admin,
        partnership=Partnership.objects.get(),
        title="Benchmark plan",
        period_start=start,
        period_end=start + timedelta(days=364),
    )
    leads = [Person.objects.get(user__username=name) for name in LEADS]
    statuses = [RagStatus.GREEN, RagStatus.AMBER, RagStatus.RED, RagStatus.GREEN]
    per_theme = ACTIONS // THEMES
    updates_per_action = UPDATES // ACTIONS
    for number in range(1, THEMES + 1):
        theme = theme_create(
            created_by=admin,
            plan=plan,
            number=number,
            title=f"Theme {number}",
            thematic_lead=leads[number % len(leads)],
        )
        for index in range(per_theme):
            lead = leads[(number * per_theme + index) % len(leads)]
            action = action_create(
                created_by=admin,
                theme=theme,
                text=f"Benchmark action {number}.{index + 1}: a sentence of realistic length "
                "describing what the partnership will do and where.",
                leads=[lead],
                measure="A measurable target",
                due_date=start + timedelta(days=300),
                sub_actions=[("a", "First step"), ("b", "Second step")],
            )
            for update in range(updates_per_action):
                action_update_create(
                    action=action,
                    author=lead.user,
                    text=f"Progress note {update + 1}: what happened, what is next, and any "
                    "risk the board should know about.",
                    status=statuses[(index + update) % len(statuses)],
                    expected_version=action.version,
                    written_on=start + timedelta(days=3 * update),
                )
    # A database in use has statistics and a tidy log; a freshly loaded one gets them from
    # autovacuum or the next checkpoint, which would otherwise run during the measurement.
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"built plan {plan.pk}", flush=True)


class Browser:
    """One user signing in and finding their pages, on a keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None):
        headers = {"Cookie": self.cookie()}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content

    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def sign_in(self, username: str, password: str) -> None:
        _, page = self.request("GET", "/accounts/login/")
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token(page), "username": username, "password": password},
        )
        if status != 302:
            raise RuntimeError(f"{username} could not sign in (HTTP {status})")


def token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@dataclass(frozen=True)
class User:
    """A signed-in user's session cookie, form token and the action they update."""

    cookie: str
    token: str
    action: str
    version: str


def sign_in_users(port: int, count: int) -> list[User]:
    """``count`` users, each a lead (in turn) with a different action of their own, having
    opened each kind of page once."""
    from cspkit.demo.tracker import DEMO_PASSWORD

    users: list[User] = []
    for number in range(count):
        browser = Browser(port)
        browser.sign_in(LEADS[number % len(LEADS)], DEMO_PASSWORD)
        _, mine = browser.request("GET", "/my-actions/")
        taken = {user.action for user in users}  # two users updating one action would clash
        action = next(a for a in re.findall(r'href="(/actions/\d+/)"', mine) if a not in taken)
        _, page = browser.request("GET", action)
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        browser.request("GET", "/")
        users.append(User(browser.cookie(), token(page), action, version))
        browser.connection.close()
    return users


WRK_SCRIPT = """
-- One wrk thread per user, each with its own session, going round four pages.
local users = {%(users)s}
local plan = "%(plan)s"
local pause = %(pause)d
local threads = {}
local made = 0

function setup(thread)
  made = made + 1
  thread:set("number", made)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(number * 7919)
  me = users[((number - 1) %% #users) + 1]
  wrk.headers["Cookie"] = me.cookie
  version = me.version
  step = 0
  wrong = 0
  bad = {}
end

-- Think time: uniform between half and one and a half times the pause (its mean), so the
-- users drift apart as people do instead of all asking in the same instant each second.
function delay()
  if pause == 0 then return 0 end
  return math.floor(pause * (0.5 + math.random()))
end

function request()
  step = step %% 4 + 1
  if step == 1 then return wrk.format("GET", plan) end
  if step == 2 then return wrk.format("GET", me.action) end
  if step == 3 then return wrk.format("GET", "/my-actions/") end
  local form = "csrfmiddlewaretoken=" .. me.token .. "&status=green&version=" .. version
    .. "&text=Benchmark+update%%3A+what+happened+since+the+last+one."
  return wrk.format("POST", me.action, {["Cookie"] = me.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded"}, form)
end

function fail(status)
  wrong = wrong + 1
  local key = ({"overview", "action", "my-actions", "update"})[step] .. " " .. status
  bad[key] = (bad[key] or 0) + 1
end

function response(status, headers, body)
  if step == 4 then
    if status ~= 302 or headers["Location"] ~= me.action then fail(status) end
  elseif status ~= 200 then
    fail(status)
  elseif step == 2 then
    version = string.match(body, 'name="version" value="(%%d+)"') or version
  end
end

function done(summary, latency, requests)
  local not_ok = 0
  local kinds = {}
  for _, thread in ipairs(threads) do
    not_ok = not_ok + thread:get("wrong")
    for key, count in pairs(thread:get("bad")) do kinds[key] = (kinds[key] or 0) + count end
  end
  for key, count in pairs(kinds) do io.write(string.format("ERRORS %%s %%d\\n", key, count)) end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%.1f %%.1f %%.1f %%.1f %%.1f\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, not_ok,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


@dataclass(frozen=True)
class Result:
    """One run's figures; latencies in milliseconds."""

    seconds: float
    requests: int
    errors: int
    p50: float
    p90: float
    p95: float
    p99: float
    max: float
    error_kinds: str = ""
    cpu_ms: float = float("nan")  # the server's CPU time per request


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) the server process and its workers have used so far,
    from Linux's /proc; NaN elsewhere. Per request, it is what the server costs whatever
    else the machine runs, which the latencies are not."""
    if not Path("/proc/self/stat").exists():
        return float("nan")
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if pid in (int(entry.name), int(fields[1])):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def drive(port: int, users: list[User], *, plan: str, pause_ms: int, seconds: float,
          folder: Path) -> Result:  # fmt: skip
    """Run wrk: one thread and one connection per user."""
    script = folder / f"tracker_load_{pause_ms}.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "users": ", ".join(
                f'{{cookie = "{u.cookie}", token = "{u.token}", action = "{u.action}", '
                f'version = "{u.version}"}}'
                for u in users
            ),
            "plan": plan,
            "pause": pause_ms,
        }
    )
    finished = subprocess.run(
        [
            "wrk",
            f"--threads={len(users)}",
            f"--connections={len(users)}",
            f"--duration={max(1, round(seconds))}s",
            "--timeout=30s",
            f"--script={script}",
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 120,
    )
    lines = [row for row in finished.stdout.splitlines() if row.startswith("RESULT ")]
    if not lines:
        raise RuntimeError(f"wrk gave no result:\n{finished.stdout}\n{finished.stderr}")
    requests, microseconds, socket_errors, not_ok, *figures = lines[0].split()[1:]
    p50, p90, p95, p99, slowest = (float(value) for value in figures)
    kinds = [row.removeprefix("ERRORS ") for row in finished.stdout.splitlines()
             if row.startswith("ERRORS ")]  # fmt: skip
    if int(socket_errors):
        kinds.append(f"connection {socket_errors}")
    return Result(int(microseconds) / 1e6, int(requests), int(socket_errors) + int(not_ok),
                  p50, p90, p95, p99, slowest, ", ".join(sorted(kinds)))  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def child_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSP_", "DJANGO_"))}
    return {**env, "CSP_DATA_DIR": str(data_dir)}


def wait_for(port: int, server: subprocess.Popen, log: Path) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise RuntimeError(f"the tracker server exited early:\n{log.read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the tracker server did not start listening within a minute")


def run_engine(database_url: str, options: argparse.Namespace, data_dir: Path
               ) -> tuple[Result, Result]:  # fmt: skip
    """Build the data, serve it, and run the think-time load then the stress load."""
    env = child_env(data_dir)
    started = time.perf_counter()
    built = subprocess.run(
        [sys.executable, __file__, "--build", database_url],
        env=env, check=True, timeout=3600, capture_output=True, text=True,
    )  # fmt: skip
    plan_id = re.search(r"built plan (\d+)", built.stdout).group(1)
    plan = f"/plans/{plan_id}/"
    print(f"  data built in {time.perf_counter() - started:.0f} s", flush=True)
    port = free_port()
    log = data_dir / "server.log"
    with log.open("w") as server_output:
        server = subprocess.Popen(
            [
                sys.executable, "-c",
                "from cspkit.tracker.serve import serve; "
                f"serve(port={port}, database_url={database_url!r}, workers={options.workers}, "
                f"threads={options.threads}, announce=lambda _: None)",
            ],
            env=env, stdout=server_output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(port, server, log)
        users = sign_in_users(port, options.users)
        settings = {"plan": plan, "seconds": options.seconds, "folder": data_dir}
        results = []
        for pause_ms in (options.pause_ms, 0):
            used = server_cpu_seconds(server.pid)
            result = drive(port, users, pause_ms=pause_ms, **settings)
            used = server_cpu_seconds(server.pid) - used
            results.append(replace(result, cpu_ms=used * 1000 / max(result.requests, 1)))
        return results[0], results[1]
    finally:
        server.terminate()
        server.wait(timeout=30)


def report(title: str, result: Result, *, target: bool) -> None:
    print(
        f"  {title:<34}{result.requests:>9}{result.requests / result.seconds:>8.0f}"
        f"{result.p50:>8.1f}{result.p90:>8.1f}{result.p95:>8.1f}{result.p99:>8.1f}"
        f"{result.max:>8.1f}{result.errors:>8}{result.cpu_ms:>8.1f}"
    )
    if result.error_kinds:
        print(f"  {'':<34}errors (page, status): {result.error_kinds}")
    if target:
        met = result.p95 < TARGET_P95_MS and not result.errors
        print(f"  {'':<34}target p95 < {TARGET_P95_MS:.0f} ms, no errors: "
              f"{'met' if met else 'NOT met'}")  # fmt: skip


def postgres_database(server_url: str, name: str, *, create: bool) -> str:
    import psycopg

    parts = urllib.parse.urlsplit(server_url)
    with psycopg.connect(server_url, autocommit=True) as connection:
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')
        else:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each run")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--pause-ms", type=int, default=1000,
                        help="mean think time between pages (each pause uniform between half "
                        "and one and a half times it)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--build", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.build:
        build(options.build)
        return
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (Debian: apt-get install wrk)")
    engines = ["sqlite", "postgres"] if options.engine == "both" else [options.engine]
    print(
        f"Tracker load: {THEMES} themes, {ACTIONS} actions, {UPDATES} updates; {options.users} "
        f"users on loopback, {options.seconds:.0f} s a run; server: csp serve (gunicorn), "
        f"{options.workers} processes x {options.threads} threads"
    )
    for engine in engines:
        with tempfile.TemporaryDirectory(prefix="csp-bench-") as folder:
            print(f"\n[{engine}]", flush=True)
            if engine == "sqlite":
                paced, stress = run_engine(str(Path(folder) / "bench.sqlite3"), options,
                                           Path(folder))  # fmt: skip
            else:
                name = f"csp_bench_{os.getpid()}"
                url = postgres_database(options.postgres_url, name, create=True)
                try:
                    paced, stress = run_engine(url, options, Path(folder))
                finally:
                    postgres_database(options.postgres_url, name, create=False)
        print(f"  {'run':<34}{'requests':>9}{'per s':>8}{'p50':>8}{'p90':>8}{'p95':>8}"
              f"{'p99':>8}{'max':>8}{'errors':>8}{'CPU':>8}   (ms; CPU: the server's, per "
              "request)")  # fmt: skip
        report(f"{options.pause_ms / 1000:g} s between pages", paced, target=True)
        report("no pause (stress, no target)", stress, target=False)
        print(f"  machine load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
              "CPUs (other processes slow the figures)")  # fmt: skip


if __name__ == "__main__":
    main()
