"""``csp fetch``: download police.uk archives and reference data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from cspkit.cli.errors import errors
from cspkit.errors import CspError
from cspkit.sources.catalogue import OGL_URL, REFERENCE_CATALOGUE, reference_source

if TYPE_CHECKING:
    from cspkit.sources.fetch import FetchReport
    from cspkit.sources.fetch import Progress as DownloadProgress

CacheDirOption = Annotated[Path | None, typer.Option(
    "--cache-dir", help="Download cache folder (default: $CSP_CACHE_DIR or ~/.cache/cspkit).",
    show_default=False)]
BaseUrlOption = Annotated[str | None, typer.Option(
    "--base-url", help="Mirror standing in for every host: https://host/path is fetched from "
    "BASE/host/path (default: $CSP_FETCH_BASE_URL).", show_default=False)]
RefreshOption = Annotated[bool, typer.Option(
    "--refresh", help="Download again even when the file is cached.")]


def register(app: typer.Typer) -> None:
    """Add the ``fetch`` command group (``police``, ``reference``, ``list``) to ``app``."""
    fetch_app = typer.Typer(
        help="Download the real open data a partnership needs, through a cache.",
        no_args_is_help=True)
    fetch_app.command("police")(police)
    fetch_app.command("reference")(reference)
    fetch_app.command("list")(catalogue_list)
    app.add_typer(fetch_app, name="fetch")


def police(
    force: Annotated[str | None, typer.Option(
        "--force", help="Force slug as in the archive, e.g. cleveland.",
        show_default=False)] = None,
    all_forces: Annotated[bool, typer.Option(
        "--all-forces", help="Every force in the archive (the national estate; load it with "
        "`csp national load`).")] = False,
    months: Annotated[str | None, typer.Option(
        "--months", help="YYYY-MM or YYYY-MM:YYYY-MM (default: every month in the archive).",
        show_default=False)] = None,
    archive: Annotated[str, typer.Option(
        "--archive", help="'latest' or the archive's month YYYY-MM (default: latest).",
        show_default=False)] = "latest",
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", help="street, outcomes or stop-and-search; repeat for several (default: all).",
        show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Output folder (default: ./data/police-uk/FORCE).",
        show_default=False)] = None,
    url: Annotated[str | None, typer.Option(
        "--url", help="Exact archive URL, instead of --archive.", show_default=False)] = None,
    cache_dir: CacheDirOption = None,
    base_url: BaseUrlOption = None,
    refresh: RefreshOption = False,
) -> None:
    """Download a data.police.uk monthly archive and extract one force's CSV files (or every
    force's, with --all-forces)."""
    from cspkit.sources.fetch import POLICE_KINDS, fetch_police, police_force_slug

    if (force is None) == (not all_forces):
        raise typer.BadParameter("give either --force FORCE or --all-forces",
                                 param_hint="--force")
    out_dir = out or Path("data") / "police-uk" / (
        police_force_slug(force) if force else "all-forces")
    report = _run(lambda progress: fetch_police(
        force=force, months=months, archive=archive, out_dir=out_dir,
        kinds=tuple(kind or POLICE_KINDS), cache_dir=cache_dir, base_url=base_url, url=url,
        refresh=refresh, progress=progress))
    _summarise(report, out_dir)


def reference(
    names: Annotated[list[str] | None, typer.Argument(
        help="Catalogue names ('csp fetch list'); none means all.", show_default=False)] = None,
    out: Annotated[Path, typer.Option(
        "--out", help="Output folder (default: ./data/reference).",
        show_default=False)] = Path("data") / "reference",
    url: Annotated[list[str] | None, typer.Option(
        "--url", help="Override an entry's address: NAME=URL, or just URL when one NAME is "
        "given. Repeat for several.", show_default=False)] = None,
    cache_dir: CacheDirOption = None,
    base_url: BaseUrlOption = None,
    refresh: RefreshOption = False,
) -> None:
    """Download reference data (lookups, deprivation, population, boundaries)."""
    from cspkit.sources.fetch import fetch_reference

    chosen = list(names or [])
    report = _run(lambda progress: fetch_reference(
        chosen, out_dir=out, cache_dir=cache_dir, base_url=base_url,
        urls=_url_overrides(url or [], chosen), refresh=refresh, progress=progress))
    _summarise(report, out)


def catalogue_list() -> None:
    """Print the reference catalogue: name, format, title, URL, licence."""
    for entry in REFERENCE_CATALOGUE:
        flag = "  [URL uncertain: check the landing page]" if entry.uncertain else ""
        typer.echo(f"{entry.name}  ({entry.format}){flag}")
        typer.echo(f"    {entry.title}")
        typer.echo(f"    {entry.description}")
        typer.echo(f"    url:     {entry.url}")
        typer.echo(f"    page:    {entry.landing_page}")
        typer.echo(f"    licence: {entry.licence}. {entry.attribution}")
    typer.echo(f"\nLicence text: {OGL_URL}")


def _url_overrides(values: list[str], names: list[str]) -> dict[str, str]:
    overrides = {}
    for value in values:
        name, sep, address = value.partition("=")
        if sep and "/" not in name:
            overrides[reference_source(name).name] = address
        elif len(names) == 1:
            overrides[names[0]] = value
        else:
            raise CspError(f"--url '{value}' does not say which entry it overrides",
                           hint="Write NAME=URL")
    return overrides


def _run(action: Callable[[DownloadProgress], FetchReport]) -> FetchReport:
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=errors, transient=True,
                  disable=not errors.is_terminal) as bar:
        tasks: dict[str, int] = {}

        def progress(url: str, done: int, total: int | None) -> None:
            if url not in tasks:
                tasks[url] = bar.add_task(url.rsplit("/", 1)[-1] or url, total=total)
            bar.update(tasks[url], completed=done, total=total)

        return action(progress)


def _summarise(report: FetchReport, out_dir: Path) -> None:
    for fetched in report.downloads:
        how = "cached" if fetched.from_cache else "downloaded"
        typer.echo(f"{how}: {fetched.url} ({fetched.size:,} bytes)")
    typer.echo(f"wrote {len(report.written)} file(s) to {out_dir}")
    if report.missing:
        typer.echo(f"not in the source ({len(report.missing)}): {', '.join(report.missing)}")
    for line in report.attribution:
        typer.echo(f"attribution: {line}")
