"""A real tracker server for end-to-end tests: the demo seeded into an SQLite file, then
``csp serve`` (the Typer command) running gunicorn in a child process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSP_", "DJANGO_"))}
    return {**env, "CSP_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}


@contextmanager
def live_tracker(data_dir: Path, *, workers: int = 1) -> Iterator[str]:
    """Seed the demo into ``data_dir`` and serve it; yields the base URL."""
    database = str(data_dir / "live.sqlite3")
    env = server_environment(data_dir)
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"from cspkit.demo.tracker import seed_demo; seed_demo(database_url={database!r})",
        ],
        env=env,
        check=True,
        timeout=300,
    )
    port = free_port()
    log = (data_dir / "serve.log").open("w")
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "cspkit.cli", "serve", "--port", str(port)),
            *("--database", database, "--workers", str(workers)),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, server, data_dir / "serve.log")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _wait_for(base: str, server: subprocess.Popen, log: Path) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"csp serve exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"csp serve did not answer within 30 s: {log.read_text()}")
