"""Load benchmark of the plan tracker: ``python benchmarks/tracker_load.py``.

Builds a plan of 6 themes, 300 actions and 3,000 updates (through the tracker's services,
on top of the Kestrel Vale demo and its users), serves it with ``csp serve``'s waitress in
a child process, then 20 clients on loopback, each signed in as a lead, request the plan
overview, action pages and "my actions" (one overview, two actions, one "my actions" in
turn) for 30 seconds, each sending its next request when the last is answered. Prints
latency percentiles and errors, on SQLite and on PostgreSQL. Measures only: it asserts
nothing.

The clients are ``wrk`` (an HTTP load generator written in C, Debian package ``wrk``) when
it is installed: on a two-core machine, 20 Python client threads take a large share of the
CPU from the server they measure. Without ``wrk`` (or with ``--driver python``) the clients
are Python threads, which also break the figures down by page. Any answer but 200 (a
redirect to the sign-in page included) counts as an error.

Options: ``--engine sqlite|postgres|both`` (default both), ``--seconds``, ``--clients``,
``--workers`` (server processes, default one per CPU core), ``--threads`` (per process),
``--driver auto|wrk|python``, ``--postgres-url`` (server to create a throwaway database on,
default the local one). ``CSP_BENCH_KEEP_LOG=FILE`` keeps the server's log (waitress notes
there when requests queued for a thread).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

THEMES, ACTIONS, UPDATES = 6, 300, 3000
TARGET_P95_MS = 150.0
MAX_REQUESTS_PER_CLIENT = 100_000  # a bound on the loop besides the clock
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
    from cspkit.tracker.demo import seed_demo

    seed_demo(database_url=database_url)
    from django.contrib.auth.models import User

    from cspkit.tracker.models import Partnership, Person, Plan
    from cspkit.tracker.services.plan import action_create, plan_create, theme_create
    from cspkit.tracker.services.updates import action_update_create
    from cspkit.tracker.status import RagStatus

    admin = User.objects.get(username="admin")
    partnership = Partnership.objects.get()
    latest = Plan.objects.order_by("-period_start").first()
    start = date(latest.period_start.year + 1, 4, 1)
    plan = plan_create(
        created_by=admin,
        partnership=partnership,
        title="Benchmark plan",
        period_start=start,
        period_end=date(start.year + 1, 3, 31),
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
                    written_on=start + timedelta(days=7 * update),
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


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds * 1000)
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1


class Client:
    """One simulated user on a keep-alive HTTP connection."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1{path}"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content

    def sign_in(self, username: str, password: str) -> None:
        _, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        if status != 302:
            raise RuntimeError(f"{username} could not sign in (HTTP {status})")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def child_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSP_", "DJANGO_"))}
    return {**env, "CSP_DATA_DIR": str(data_dir)}


@dataclass
class Result:
    """What one load run measured: latencies in milliseconds, all pages together and,
    when the Python clients ran, page by page."""

    driver: str
    seconds: float
    requests: int
    errors: int
    p50: float
    p90: float
    p95: float
    p99: float
    max: float
    by_page: Tally | None = None


def run_load(
    database_url: str,
    *,
    seconds: float,
    clients: int,
    workers: int,
    threads: int,
    driver: str,
    data_dir: Path,
) -> Result:
    env = child_env(data_dir)
    started = time.perf_counter()
    built = subprocess.run(
        [sys.executable, __file__, "--build", database_url],
        env=env,
        check=True,
        timeout=1800,
        capture_output=True,
        text=True,
    )
    plan_id = re.search(r"built plan (\d+)", built.stdout).group(1)
    print(f"  data built in {time.perf_counter() - started:.1f} s", flush=True)
    port = free_port()
    log = data_dir / "server.log"
    with log.open("w") as server_output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"from cspkit.tracker.serve import serve; "
                f"serve(port={port}, database_url={database_url!r}, workers={workers}, "
                f"threads={threads}, announce=lambda _: None)",
            ],
            env=env,
            stdout=server_output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(port, server, log)
        return _drive(
            port,
            plan_path=f"/plans/{plan_id}/",
            seconds=seconds,
            clients=clients,
            driver=driver,
            folder=data_dir,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if os.environ.get("CSP_BENCH_KEEP_LOG"):
            shutil.copy(log, os.environ["CSP_BENCH_KEEP_LOG"])


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


def _drive(
    port: int, *, plan_path: str, seconds: float, clients: int, driver: str, folder: Path
) -> Result:
    from cspkit.tracker.demo import DEMO_PASSWORD

    probe = Client(port)
    probe.sign_in(LEADS[0], DEMO_PASSWORD)
    theme_ids = re.findall(r'href="/themes/(\d+)/"', probe.request("GET", plan_path)[1])
    action_ids = [
        action_id
        for theme_id in theme_ids
        for action_id in re.findall(
            r'href="/actions/(\d+)/"', probe.request("GET", f"/themes/{theme_id}/")[1]
        )
    ]
    print(f"  {len(theme_ids)} themes, {len(action_ids)} actions on {plan_path}", flush=True)
    users = [Client(port) for _ in range(clients)]
    for number, user in enumerate(users):
        user.sign_in(LEADS[number % len(LEADS)], DEMO_PASSWORD)
        # Each client has opened every kind of page once before the clock starts.
        for path in (plan_path, f"/actions/{action_ids[number % len(action_ids)]}/"):
            user.request("GET", path)
        user.request("GET", "/my-actions/")
        user.connection.close()
    if driver == "wrk":
        return _drive_wrk(
            port,
            users,
            plan_path=plan_path,
            action_ids=action_ids,
            seconds=seconds,
            folder=folder,
        )
    return _drive_python(users, plan_path=plan_path, action_ids=action_ids, seconds=seconds)


WRK_SCRIPT = """
-- Each wrk thread runs several client connections, with its own signed-in session.
local cookies = {%(cookies)s}
local actions = {%(actions)s}
local plan = "%(plan)s"
local threads = {}
local made = 0

function setup(thread)
  made = made + 1
  thread:set("client", made)
  table.insert(threads, thread)
end

function init(args)
  wrk.headers["Cookie"] = cookies[((client - 1) %% #cookies) + 1]
  math.randomseed(client * 7919)
  sent = 0
  wrong = 0
end

function request()
  sent = sent + 1
  local turn = sent %% 4
  local path = plan
  if turn == 0 then
    path = "/my-actions/"
  elseif turn ~= 1 then
    path = actions[math.random(#actions)]
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status ~= 200 then wrong = wrong + 1 end
end

function done(summary, latency, requests)
  local not_ok = 0
  for _, thread in ipairs(threads) do not_ok = not_ok + thread:get("wrong") end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%.1f %%.1f %%.1f %%.1f %%.1f\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, not_ok,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def _drive_wrk(
    port: int,
    users: list[Client],
    *,
    plan_path: str,
    action_ids: list[str],
    seconds: float,
    folder: Path,
) -> Result:
    def cookie(user: Client) -> str:
        return "; ".join(f"{k}={v}" for k, v in user.cookies.items())

    script = folder / "tracker_load.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "cookies": ", ".join(f'"{cookie(user)}"' for user in users),
            "actions": ", ".join(f'"/actions/{i}/"' for i in action_ids),
            "plan": plan_path,
        }
    )
    clients = len(users)
    # wrk runs its connections on a few event-loop threads, each with its own session
    # cookie; one thread per client would leave 20 client threads competing with the
    # server for 2 cores, and their scheduling delays would be counted as latency.
    threads = max(1, min(clients, os.cpu_count() or 1))
    finished = subprocess.run(
        [
            "wrk",
            f"--threads={threads}",
            f"--connections={clients}",
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
    line = lines[0]
    requests, microseconds, socket_errors, not_ok, *figures = line.split()[1:]
    p50, p90, p95, p99, slowest = (float(value) for value in figures)
    return Result(
        driver="wrk",
        seconds=int(microseconds) / 1e6,
        requests=int(requests),
        errors=int(socket_errors) + int(not_ok),
        p50=p50,
        p90=p90,
        p95=p95,
        p99=p99,
        max=slowest,
    )


def _drive_python(
    users: list[Client], *, plan_path: str, action_ids: list[str], seconds: float
) -> Result:
    tally = Tally()
    clients = len(users)
    ready = threading.Barrier(clients + 1)
    deadline: list[float] = []

    def work(user: Client, seed: int) -> None:
        rng = random.Random(seed)
        ready.wait()
        for count in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline[0]:
                break
            kind = ("overview", "action", "action", "my_actions")[count % 4]
            path = {
                "overview": plan_path,
                "action": f"/actions/{rng.choice(action_ids)}/",
                "my_actions": "/my-actions/",
            }[kind]
            began = time.perf_counter()
            try:
                status, _ = user.request("GET", path)
                ok = status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                user.connection.close()
            tally.add(kind, time.perf_counter() - began, ok)

    workers = [threading.Thread(target=work, args=(u, n)) for n, u in enumerate(users)]
    for worker in workers:
        worker.start()
    began = time.monotonic()
    deadline.append(began + seconds)
    ready.wait()
    for worker in workers:
        worker.join()
    everything = [v for values in tally.latencies.values() for v in values]
    return Result(
        driver="python",
        seconds=time.monotonic() - began,
        requests=len(everything),
        errors=sum(tally.errors.values()),
        p50=percentile(everything, 0.50),
        p90=percentile(everything, 0.90),
        p95=percentile(everything, 0.95),
        p99=percentile(everything, 0.99),
        max=max(everything),
        by_page=tally,
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(engine: str, result: Result) -> None:
    print(
        f"\n{engine} ({result.driver} clients): {result.requests} requests in "
        f"{result.seconds:.0f} s ({result.requests / result.seconds:.0f} per second), "
        f"{result.errors} errors"
    )
    print(
        f"  {'page':<12}{'requests':>9}{'p50 ms':>9}{'p90 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'errors':>8}"
    )
    if result.by_page is not None:
        for kind, values in sorted(result.by_page.latencies.items()):
            print(
                f"  {kind:<12}{len(values):>9}{percentile(values, 0.5):>9.1f}"
                f"{percentile(values, 0.9):>9.1f}{percentile(values, 0.95):>9.1f}"
                f"{percentile(values, 0.99):>9.1f}{max(values):>9.1f}"
                f"{result.by_page.errors.get(kind, 0):>8}"
            )
    print(
        f"  {'all':<12}{result.requests:>9}{result.p50:>9.1f}{result.p90:>9.1f}"
        f"{result.p95:>9.1f}{result.p99:>9.1f}{result.max:>9.1f}{result.errors:>8}"
    )
    print(
        "  machine load average (1 min) at the end: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other processes slow it)"
    )
    verdict = "met" if result.p95 < TARGET_P95_MS and not result.errors else "NOT met"
    print(
        f"  target p95 < {TARGET_P95_MS:.0f} ms with zero errors: {verdict} "
        f"(p95 {result.p95:.1f} ms, {result.p95 / TARGET_P95_MS:.2f} of the target)"
    )


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
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="csp serve --workers"
    )
    parser.add_argument("--threads", type=int, default=4, help="csp serve --threads")
    parser.add_argument("--driver", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--build", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.build:
        build(options.build)
        return
    driver = options.driver
    if driver == "auto":
        driver = "wrk" if shutil.which("wrk") else "python"
    elif driver == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (Debian: apt-get install wrk)")
    engines = ["sqlite", "postgres"] if options.engine == "both" else [options.engine]
    print(
        f"Tracker load: {THEMES} themes, {ACTIONS} actions, {UPDATES} updates; "
        f"{options.clients} {driver} clients for {options.seconds:.0f} s on loopback; "
        f"server: {options.workers} processes x {options.threads} threads"
    )
    for engine in engines:
        with tempfile.TemporaryDirectory(prefix="csp-bench-") as folder:
            print(f"\n[{engine}]", flush=True)
            settings = dict(
                seconds=options.seconds,
                clients=options.clients,
                workers=options.workers,
                threads=options.threads,
                driver=driver,
                data_dir=Path(folder),
            )
            if engine == "sqlite":
                result = run_load(str(Path(folder) / "bench.sqlite3"), **settings)
            else:
                name = f"csp_bench_{os.getpid()}"
                url = postgres_database(options.postgres_url, name, create=True)
                try:
                    result = run_load(url, **settings)
                finally:
                    postgres_database(options.postgres_url, name, create=False)
            report(engine, result)


if __name__ == "__main__":
    main()
