"""How the `csp` command reports errors: never a traceback on the user's screen.

A :class:`~cspkit.errors.CspError` is a problem the user can act on: its message is printed
on one line and the command exits 1; so is a usage error (an option missing or not valid),
which exits 2. Any other exception is a bug or an input cspkit does
not understand: the user gets one line saying what failed, the file or table involved when
it is known, and what to do; the full traceback goes to a log file whose path the line
gives. ``csp --debug`` prints the traceback instead.
"""

from __future__ import annotations

import os
import platform
import re
import sys
import tempfile
import traceback
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from platformdirs import user_log_path
from rich.console import Console
from typer.core import TyperGroup

from cspkit import __version__
from cspkit.errors import CspError, LoadFailed, redact

LOG_DIR_VARIABLE = "CSP_LOG_DIR"
"""Environment variable naming the folder for error logs (default: the user's log folder)."""

_ARGS = "cspkit.args"
_TABLE = re.compile(r"Table with name (\w+)|no such table: (\w+)")
_COLUMN = re.compile(r"column [\"']?(\w+)[\"']? (?:is )?not found", re.IGNORECASE)
_MISSING_ATTRIBUTE = re.compile(r"'Table' object has no attribute '(\w+)'")

errors = Console(stderr=True)


def print_error(error: CspError) -> None:
    """Print a user error on one line (each file's error of a failed load on its own line),
    with any password in a URL hidden."""
    items = error.errors if isinstance(error, LoadFailed) else [error]
    for item in items:
        errors.print(f"[red]error:[/red] {redact(str(item))}", highlight=False, soft_wrap=True)
    if isinstance(error, LoadFailed):
        errors.print("Nothing was loaded; the warehouse is unchanged.", highlight=False)


class CspGroup(TyperGroup):
    """The `csp` command group: runs a command and reports its errors as the module says."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        ctx.meta[_ARGS] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except typer.TyperException as exc:  # a usage error: an option missing or not valid
            if not hasattr(exc, "format_message"):
                raise
            where = getattr(exc, "ctx", None)
            see = f" (see `{where.command_path} --help`)" if where is not None else ""
            errors.print(f"[red]error:[/red] {exc.format_message().rstrip('.')}{see}",
                         highlight=False, soft_wrap=True)
            raise typer.Exit(getattr(exc, "exit_code", 2)) from None
        except CspError as exc:
            print_error(exc)
            raise typer.Exit(1) from None
        except Exception as exc:
            args = ctx.meta.get(_ARGS, [])
            command = " ".join(["csp", *self.command_names(ctx, args)])
            if ctx.params.get("debug"):
                errors.print(redact("".join(traceback.format_exception(exc))),
                             highlight=False, markup=False, soft_wrap=True)
            else:
                log = write_log(exc, command=command, args=args)
                errors.print(f"[red]error:[/red] {unexpected_error_line(exc, command, args, log)}",
                             highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    def command_names(self, ctx: typer.Context, args: Sequence[str]) -> list[str]:
        """The names of the (sub)command the arguments ran, e.g. ``["tracker", "import"]``."""
        names: list[str] = []
        group: Any = self
        for token in args:
            if token.startswith("-"):
                continue
            command = group.get_command(ctx, token)
            if command is None:
                break
            names.append(token)
            if not isinstance(command, TyperGroup):
                break
            group = command
        return names


def _option_value(args: Sequence[str], *names: str) -> str | None:
    for i, token in enumerate(args):
        for name in names:
            if token == name and i + 1 < len(args):
                return args[i + 1]
            if name.startswith("--") and token.startswith(f"{name}="):
                return token.split("=", 1)[1]
    return None


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _is_table_not_found(error: BaseException) -> bool:
    """Whether ``error`` is Ibis's ``TableNotFound``: looked up only when Ibis is loaded (an
    Ibis error cannot exist before), so that ``csp`` starts without importing Ibis."""
    exceptions = sys.modules.get("ibis.common.exceptions")
    return exceptions is not None and isinstance(error, exceptions.TableNotFound)


def _subject(exc: BaseException) -> tuple[str, str] | None:
    """What the error is about, when it says: ("file", path), ("table", name) or
    ("column", name)."""
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.filename:
            return "file", str(cause.filename)
        if _is_table_not_found(cause):
            return "table", str(cause)
        text = str(cause)
        for kind, pattern in (("table", _TABLE), ("column", _COLUMN),
                              ("column", _MISSING_ATTRIBUTE)):
            match = pattern.search(text)
            if match:
                return kind, next(g for g in match.groups() if g)
    return None


def unexpected_error_line(exc: BaseException, command: str, args: Sequence[str],
                          log: Path | None) -> str:
    """One line for an unexpected error: what failed, on what, what to do, where the log is."""
    first_line = (str(exc).strip().splitlines() or [""])[0]
    what = f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
    if len(what) > 200:
        what = what[:199] + "…"
    warehouse = _option_value(args, "--warehouse", "-w")
    subject = _subject(exc)
    on = []
    if subject:
        on.append(f"{subject[0]} {subject[1]}")
    if warehouse:
        on.append(f"warehouse {warehouse}")
    where = f" ({', '.join(on)})" if on else ""
    tracker = command.startswith(("csp tracker", "csp serve"))
    if subject and subject[0] in ("table", "column") and tracker:
        todo = ("The tracker database lacks a table or column cspkit needs: it was never set "
                "up or comes from another version; `csp serve` migrates it")
    elif subject and subject[0] in ("table", "column"):
        todo = ("The warehouse lacks a table or column cspkit needs: it may come from another "
                "version of cspkit or another program; build it again with `csp load`")
    elif subject and subject[0] == "file":
        todo = "Check that the file exists, can be read and is as downloaded"
    else:
        todo = ("This is a bug in cspkit or an input it does not understand: check the inputs, "
                "and if they look right report the problem with the log file")
    logged = (f"the full traceback is in {log}" if log is not None
              else "the log file could not be written")
    return redact(f"{command} failed unexpectedly{where}: {what}. {todo}; {logged} "
                  "(or run again with `csp --debug` to see it)")


def log_folder() -> Path:
    """Where error logs go: ``$CSP_LOG_DIR``, else the user's log folder for cspkit."""
    given = os.environ.get(LOG_DIR_VARIABLE)
    return Path(given) if given else user_log_path("cspkit", appauthor=False)


def write_log(exc: BaseException, *, command: str, args: Sequence[str]) -> Path | None:
    """Write the traceback and what was run to a new log file; its path, or None if no
    folder could be written (the user's log folder, then the temporary folder)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    text = redact(
        f"{command} failed at {datetime.now().isoformat(timespec='seconds')}\n"
        f"arguments: {' '.join(args)}\n"
        f"cspkit {__version__}, Python {sys.version.split()[0]}, {platform.platform()}\n\n"
        + "".join(traceback.format_exception(exc)))
    for folder in (log_folder(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"csp-error-{stamp}.log"
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        return path
    return None
