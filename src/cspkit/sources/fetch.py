"""Download the real open data a partnership needs, through a cache.

Three parts: a cached HTTP download (``download``), the data.police.uk monthly archive
(``fetch_police``: download once, extract one force's files) and the reference catalogue
(``fetch_reference``: lookups, deprivation, population, boundaries).

A download is streamed to a temporary file beside the cache entry, checked (length against
``Content-Length``, then the expected format) and only then renamed into place, so a failed
download never leaves a half file in the cache. The cache is keyed by URL; a cached file is
reused unless ``refresh`` is set, and ``latest`` archives are revalidated with
``If-None-Match`` / ``If-Modified-Since``.
"""

from __future__ import annotations

import csv
import difflib
import fnmatch
import hashlib
import http.client
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

from cspkit import __version__
from cspkit.errors import CspError
from cspkit.sources.base import MONTH_PATTERN
from cspkit.sources.catalogue import (
    POLICE_ATTRIBUTION,
    REFERENCE_CATALOGUE,
    ReferenceSource,
    police_archive_url,
    redirect_url,
    reference_source,
    resolve_base_url,
)

CACHE_DIR_ENV = "CSP_CACHE_DIR"
POLICE_KINDS = ("street", "outcomes", "stop-and-search")
POLICE_ARCHIVE_PAGE = "https://data.police.uk/data/archive/"
ARCGIS_PAGE_SIZE = 2000
USER_AGENT = f"cspkit/{__version__}"
TIMEOUT_SECONDS = 60
_CHUNK = 1 << 20
_RETRY = "Run the command again; nothing was kept in the cache"
_MONTH = re.compile(MONTH_PATTERN)
_MEMBER = re.compile(
    r"^(?P<month>\d{4}-\d{2})/(?P=month)-(?P<force>[a-z0-9-]+?)"
    r"-(?P<kind>street|outcomes|stop-and-search)\.csv$"
)

Progress = Callable[[str, int, int | None], None]
"""Called as ``progress(url, bytes_so_far, total_bytes_or_None)`` while downloading."""


@dataclass(frozen=True)
class Download:
    """One file in the download cache.

    Attributes
    ----------
    url : str
        The URL it was downloaded from (after any base-URL redirection).
    path : Path
        The cached file.
    size : int
        Size in bytes.
    sha256 : str
        SHA-256 of the file.
    from_cache : bool
        True when no new bytes were downloaded (cached, or the server answered 304).
    """

    url: str
    path: Path
    size: int
    sha256: str
    from_cache: bool


@dataclass(frozen=True)
class FetchReport:
    """What a fetch did.

    Attributes
    ----------
    downloads : tuple of Download
        Every file downloaded or taken from the cache.
    written : tuple of Path
        Every file written to the output folder.
    missing : tuple of str
        Files asked for but absent from the source (e.g. a month with no stop-and-search
        file for the force).
    attribution : tuple of str
        Attribution text the data's licence asks for, one line per source.
    """

    downloads: tuple[Download, ...]
    written: tuple[Path, ...]
    missing: tuple[str, ...] = ()
    attribution: tuple[str, ...] = ()


def default_cache_dir() -> Path:
    """The cache folder: ``$CSP_CACHE_DIR``, else ``~/.cache/cspkit``."""
    configured = os.environ.get(CACHE_DIR_ENV)
    return Path(configured) if configured else Path.home() / ".cache" / "cspkit"


def parse_months(text: str) -> tuple[str, str]:
    """Parse ``YYYY-MM`` or ``YYYY-MM:YYYY-MM`` into a closed (first, last) month range.

    Examples
    --------
    >>> parse_months("2024-01:2025-12")
    ('2024-01', '2025-12')
    >>> parse_months("2025-03")
    ('2025-03', '2025-03')
    """
    parts = text.strip().split(":")
    if len(parts) not in (1, 2) or not all(_MONTH.match(part) for part in parts):
        raise CspError(
            f"months '{text}' are not of the form YYYY-MM or YYYY-MM:YYYY-MM",
            hint="For example --months 2024-01:2025-12",
        )
    first, last = parts[0], parts[-1]
    if first > last:
        raise CspError(f"months '{text}' end before they start", hint=f"Try {last}:{first}")
    return first, last


def download(
    url: str,
    *,
    expect: str,
    cache_dir: Path | None = None,
    refresh: bool = False,
    revalidate: bool = False,
    progress: Progress | None = None,
    where_to_look: str | None = None,
) -> Download:
    """Download ``url`` into the cache, or reuse the cached copy.

    Parameters
    ----------
    url : str
        What to download.
    expect : {"zip", "csv", "json"}
        The format the file must have; anything else (an HTML error page served with
        status 200, a truncated zip) is refused and not cached.
    cache_dir : Path, optional
        Cache folder; default :func:`default_cache_dir`.
    refresh : bool
        Download again even when cached.
    revalidate : bool
        Ask the server whether the cached copy is still current (conditional GET).
    progress : callable, optional
        Progress callback, see :data:`Progress`.
    where_to_look : str, optional
        The publisher's page, named in the hint when the file is missing or not as expected.

    Returns
    -------
    Download

    Raises
    ------
    CspError
        On an HTTP error, an unreachable host, a truncated download or a wrong format.
    """
    data_path, meta_path = _cache_paths(cache_dir or default_cache_dir(), url)
    cached = _cached(data_path, meta_path, url)
    if cached is not None and not refresh and not revalidate:
        return cached
    headers = {}
    if cached is not None and not refresh:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("etag"):
            headers["If-None-Match"] = meta["etag"]
        if meta.get("last_modified"):
            headers["If-Modified-Since"] = meta["last_modified"]
    response = _open(url, headers, where_to_look)
    if response is None:
        return cached
    with response, _replacing(data_path) as sink:
        size, sha256 = _read_body(response, url, sink, progress)
        sink.flush()
        _check_format(Path(sink.name), expect, url, where_to_look)
        meta = {
            "url": url,
            "final_url": response.geturl(),
            "etag": response.headers.get("ETag"),
            "last_modified": response.headers.get("Last-Modified"),
            "size": size,
            "sha256": sha256,
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    _write_atomic(meta_path, json.dumps(meta, indent=2).encode("utf-8"))
    return Download(url=url, path=data_path, size=size, sha256=sha256, from_cache=False)


def fetch_police(
    *,
    force: str | None,
    months: str | None = None,
    archive: str = "latest",
    out_dir: Path,
    kinds: Sequence[str] = POLICE_KINDS,
    cache_dir: Path | None = None,
    base_url: str | None = None,
    url: str | None = None,
    refresh: bool = False,
    progress: Progress | None = None,
) -> FetchReport:
    """Download a data.police.uk monthly archive once and extract one force's files.

    Parameters
    ----------
    force : str or None
        The force's file slug as used in the archive, e.g. ``cleveland``; None for every
        force in the archive (the national estate: ``csp fetch police --all-forces``).
    months : str, optional
        ``YYYY-MM`` or ``YYYY-MM:YYYY-MM``; default every month in the archive.
    archive : str
        ``latest`` or ``YYYY-MM``: the archive published that month, holding the 36 months
        up to it.
    out_dir : Path
        Folder receiving ``YYYY-MM/YYYY-MM-<force>-<kind>.csv`` (the archive's own paths).
    kinds : sequence of str
        Any of ``street``, ``outcomes``, ``stop-and-search``.
    cache_dir : Path, optional
        Download cache; default :func:`default_cache_dir`.
    base_url : str, optional
        Mirror (or test server) standing in for every host; default ``$CSP_FETCH_BASE_URL``.
    url : str, optional
        Exact archive URL, overriding ``archive`` and ``base_url``.
    refresh : bool
        Download the archive again even when cached.
    progress : callable, optional
        Download progress callback.

    Returns
    -------
    FetchReport
        ``written`` lists the extracted files; ``missing`` the files of chosen months and
        kinds that the archive does not hold for the force.

    Raises
    ------
    CspError
        When the archive cannot be downloaded, the force is not in it (the message lists
        close matches and every force) or the months are not in it.
    """
    if archive != "latest" and not _MONTH.match(archive):
        raise CspError(
            f"archive '{archive}' is neither 'latest' nor a month YYYY-MM",
            hint="For example --archive 2025-12",
        )
    unknown = [kind for kind in kinds if kind not in POLICE_KINDS]
    if unknown:
        raise CspError(
            f"unknown police.uk file kind(s): {', '.join(unknown)}",
            hint=f"Choose from {', '.join(POLICE_KINDS)}",
        )
    wanted = parse_months(months) if months else None
    source = url or redirect_url(police_archive_url(archive), resolve_base_url(base_url))
    fetched = download(
        source,
        expect="zip",
        cache_dir=cache_dir,
        refresh=refresh,
        revalidate=archive == "latest",
        progress=progress,
        where_to_look=POLICE_ARCHIVE_PAGE,
    )
    written: list[Path] = []
    missing: list[str] = []
    with _open_zip(fetched.path, source) as bundle:
        index = _police_index(bundle, source)
        held = {key[1] for key in index}
        slugs = sorted(held) if force is None else [_police_force(force, held, source)]
        for month in _police_months(wanted, sorted({key[0] for key in index}), source):
            for slug, kind in ((s, k) for s in slugs for k in kinds):
                relative = f"{month}/{month}-{slug}-{kind}.csv"
                member = index.get((month, slug, kind))
                if member is None:
                    if force is not None:
                        missing.append(relative)
                    continue
                written.append(_extract(bundle, member, out_dir / relative, source))
    return FetchReport(
        downloads=(fetched,),
        written=tuple(written),
        missing=tuple(missing),
        attribution=(POLICE_ATTRIBUTION,),
    )


def entries_to_fetch(names: Sequence[str], urls: Mapping[str, str]) -> list[ReferenceSource]:
    """The catalogue entries ``csp fetch reference`` downloads for ``names`` (empty: the whole
    catalogue but the entries that need a ``--url``, unless one is given).

    Raises
    ------
    CspError
        For an unknown name, or an entry named without the ``--url`` it needs.
    """
    for name in urls:
        reference_source(name)
    if not names:
        return [e for e in REFERENCE_CATALOGUE if not e.needs_url or e.name in urls]
    chosen = [reference_source(name) for name in names]
    for entry in chosen:
        if entry.needs_url and entry.name not in urls:
            raise CspError(
                f"{entry.name} has no fixed download address: {entry.url} is a page to find "
                "the file on",
                hint=f"Take the newest file's download link from {entry.landing_page} and "
                f"run `csp fetch reference {entry.name} --url LINK`")
    return chosen


def fetch_reference(
    names: Sequence[str],
    *,
    out_dir: Path,
    cache_dir: Path | None = None,
    base_url: str | None = None,
    urls: Mapping[str, str] | None = None,
    refresh: bool = False,
    progress: Progress | None = None,
) -> FetchReport:
    """Download reference data sets from the catalogue into ``out_dir``.

    Parameters
    ----------
    names : sequence of str
        Catalogue names (``csp fetch list``); empty means the whole catalogue (see
        :func:`entries_to_fetch`).
    out_dir : Path
        Folder receiving each entry's ``filename``.
    cache_dir : Path, optional
        Download cache; default :func:`default_cache_dir`.
    base_url : str, optional
        Mirror (or test server) standing in for every host; default ``$CSP_FETCH_BASE_URL``.
    urls : mapping of str to str, optional
        Per-entry URL overrides (name → URL), used as given. An override ending in
        ``/query`` is read as an ArcGIS FeatureServer; any other is a plain file download.
    refresh : bool
        Download again even when cached.
    progress : callable, optional
        Download progress callback.

    Returns
    -------
    FetchReport

    Raises
    ------
    CspError
        For an unknown name, or any failed download.
    """
    overrides = dict(urls or {})
    chosen = entries_to_fetch(names, overrides)
    base = resolve_base_url(base_url)
    downloads: list[Download] = []
    written: list[Path] = []
    for entry in chosen:
        url = overrides.get(entry.name) or redirect_url(entry.url, base)
        fetched = _fetch_entry(entry, url, cache_dir, refresh, progress)
        downloads.append(fetched)
        target = out_dir / entry.filename
        if entry.format == "zip":
            with _open_zip(fetched.path, url) as bundle:
                member = _zip_member(bundle, entry, url)
                written.append(_extract(bundle, member, target, url))
        else:
            written.append(_copy(fetched.path, target))
    attribution = tuple(dict.fromkeys(f"{e.title}: {e.attribution}" for e in chosen))
    return FetchReport(downloads=tuple(downloads), written=tuple(written), attribution=attribution)


def _fetch_entry(
    entry: ReferenceSource,
    url: str,
    cache_dir: Path | None,
    refresh: bool,
    progress: Progress | None,
) -> Download:
    arcgis = entry.format.startswith("arcgis-")
    if arcgis and urlsplit(url).path.rstrip("/").endswith("/query"):
        return _download_arcgis(
            url,
            geojson=entry.format == "arcgis-geojson",
            cache_dir=cache_dir or default_cache_dir(),
            refresh=refresh,
            progress=progress,
            where_to_look=entry.landing_page,
        )
    expect = {"zip": "zip", "xlsx": "zip", "csv": "csv", "arcgis-csv": "csv"}.get(
        entry.format, "json"
    )
    return download(
        url,
        expect=expect,
        cache_dir=cache_dir,
        refresh=refresh,
        progress=progress,
        where_to_look=entry.landing_page,
    )


def _download_arcgis(
    url: str,
    *,
    geojson: bool,
    cache_dir: Path,
    refresh: bool,
    progress: Progress | None,
    where_to_look: str,
) -> Download:
    """Read every feature of an ArcGIS FeatureServer layer, page by page, into the cache."""
    data_path, meta_path = _cache_paths(cache_dir, url)
    cached = _cached(data_path, meta_path, url)
    if cached is not None and not refresh:
        return cached
    features: list[dict] = []
    # A service that ignores resultOffset sends its first page again: stop, don't loop.
    page_start = None
    received = 0
    while True:
        query = urlencode(
            {
                "where": "1=1",
                "outFields": "*",
                "returnGeometry": "true" if geojson else "false",
                "outSR": "4326",
                "f": "geojson",
                "resultOffset": len(features),
                "resultRecordCount": ARCGIS_PAGE_SIZE,
            }
        )
        page_url = f"{url}{'&' if '?' in url else '?'}{query}"
        response = _open(page_url, {}, where_to_look)
        body = io.BytesIO()
        with response:
            size, _ = _read_body(response, page_url, body, None)
        received += size
        if progress:
            progress(url, received, None)
        batch, more = _arcgis_page(body.getvalue(), url, where_to_look)
        if batch and batch[0] == page_start:
            raise CspError(
                "the ArcGIS service sent the same page twice: it does not page results",
                path=url,
                hint=f"Download the layer from {where_to_look} and pass that file with --url",
            )
        features.extend(batch)
        page_start = batch[0] if batch else None
        if not batch or not (more or len(batch) == ARCGIS_PAGE_SIZE):
            break
    if not features:
        raise CspError(
            "the ArcGIS service returned no features",
            path=url,
            hint=f"Check the layer on {where_to_look} and pass its address with --url",
        )
    content = _geojson_bytes(features) if geojson else _csv_bytes(features)
    _write_atomic(data_path, content)
    sha256 = hashlib.sha256(content).hexdigest()
    meta = {
        "url": url,
        "features": len(features),
        "size": len(content),
        "sha256": sha256,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write_atomic(meta_path, json.dumps(meta, indent=2).encode("utf-8"))
    return Download(url=url, path=data_path, size=len(content), sha256=sha256, from_cache=False)


def _arcgis_page(body: bytes, url: str, where_to_look: str) -> tuple[list[dict], bool]:
    hint = f"Check the layer on {where_to_look} and pass its address with --url"
    try:
        page = json.loads(body)
    except ValueError:
        raise CspError(
            f"expected an ArcGIS GeoJSON answer but got {_describe(body[:512])}",
            path=url,
            hint=hint,
        ) from None
    if not isinstance(page, dict) or "error" in page:
        error = page.get("error") if isinstance(page, dict) else None
        message = error.get("message") if isinstance(error, dict) else "unexpected answer"
        raise CspError(f"the ArcGIS service answered: {message}", path=url, hint=hint)
    features = page.get("features")
    if not isinstance(features, list):
        raise CspError("the ArcGIS answer has no 'features' list", path=url, hint=hint)
    properties = page.get("properties") if isinstance(page.get("properties"), dict) else {}
    more = bool(page.get("exceededTransferLimit") or properties.get("exceededTransferLimit"))
    return features, more


def _csv_bytes(features: list[dict]) -> bytes:
    """Feature attributes as CSV, UTF-8 with BOM like the Open Geography Portal's downloads."""
    columns: dict[str, None] = {}
    for feature in features:
        columns.update(dict.fromkeys(feature.get("properties") or {}))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    for feature in features:
        properties = feature.get("properties") or {}
        writer.writerow(["" if properties.get(c) is None else properties[c] for c in columns])
    return text.getvalue().encode("utf-8-sig")


def _geojson_bytes(features: list[dict]) -> bytes:
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _open(
    url: str, headers: Mapping[str, str], where_to_look: str | None
) -> http.client.HTTPResponse | None:
    """Open ``url``; None when the server answers 304 Not Modified to a conditional GET."""
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise CspError(
            f"not an http(s) address: '{url}'",
            hint="Give a full address such as https://host/path",
        )
    request = Request(url, headers={"User-Agent": USER_AGENT, **headers})
    try:
        return urlopen(request, timeout=TIMEOUT_SECONDS)
    except HTTPError as error:
        error.close()
        if error.code == 304 and headers:
            return None
        if error.code == 404:
            look = f"find the current link on {where_to_look} and " if where_to_look else ""
            hint = f"The file is not at that address; {look}pass it with --url"
        else:
            hint = "Try again later; if it keeps failing, pass another address with --url"
        raise CspError(
            f"download failed: HTTP {error.code} {error.reason}", path=url, hint=hint
        ) from None
    except (URLError, OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", error)
        raise CspError(
            f"could not connect to {urlsplit(url).netloc}: {reason}",
            path=url,
            hint=(
                "Check the internet connection (or proxy); to use a mirror set "
                "CSP_FETCH_BASE_URL or --base-url"
            ),
        ) from None


def _read_body(
    response: http.client.HTTPResponse, url: str, sink: BinaryIO, progress: Progress | None
) -> tuple[int, str]:
    """Copy the response body to ``sink``; refuse a body shorter than its Content-Length."""
    length = response.headers.get("Content-Length")
    total = int(length) if length and length.isdigit() else None
    digest = hashlib.sha256()
    size = 0
    while True:
        try:
            chunk = response.read(_CHUNK)
        except (OSError, http.client.HTTPException) as error:
            raise CspError(
                f"download interrupted after {size:,} bytes ({error})", path=url, hint=_RETRY
            ) from None
        if not chunk:
            break
        sink.write(chunk)
        digest.update(chunk)
        size += len(chunk)
        if progress:
            progress(url, size, total)
    if total is not None and size != total:
        raise CspError(
            f"download truncated: received {size:,} of {total:,} bytes", path=url, hint=_RETRY
        )
    return size, digest.hexdigest()


def _check_format(path: Path, expect: str, url: str, where_to_look: str | None) -> None:
    with path.open("rb") as handle:
        head = handle.read(512)
    if expect == "zip":
        ok = zipfile.is_zipfile(path)
    elif expect == "json":
        ok = head.lstrip()[:1] in (b"{", b"[")
    else:
        ok = bool(head) and not _looks_like_html(head)
    if not ok:
        look = f"find the current link on {where_to_look} and " if where_to_look else ""
        raise CspError(
            f"expected a {expect} file but got {_describe(head)}",
            path=url,
            hint=f"The address may have moved; {look}pass it with --url",
        )


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head"))


def _describe(head: bytes) -> str:
    if not head:
        return "an empty file"
    if _looks_like_html(head):
        return "an HTML page"
    return f"something else (it starts {head[:16]!r})"


def _cache_paths(cache_dir: Path, url: str) -> tuple[Path, Path]:
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:20]
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(urlsplit(url).path).name)[:80] or "download"
    data_path = cache_dir / "downloads" / f"{key}-{name}"
    return data_path, data_path.with_name(data_path.name + ".json")


def _cached(data_path: Path, meta_path: Path, url: str) -> Download | None:
    """The cache entry for ``url`` when both the file and its record are present and agree."""
    if not (data_path.is_file() and meta_path.is_file()):
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    if meta.get("url") != url or meta.get("size") != data_path.stat().st_size:
        return None
    return Download(
        url=url, path=data_path, size=meta["size"], sha256=meta["sha256"], from_cache=True
    )


@contextmanager
def _replacing(target: Path) -> Iterator[BinaryIO]:
    """Write ``target`` through a temporary file beside it, renamed into place on success.

    On any failure the temporary file is removed and ``target`` is left as it was.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        os.close(handle)
    except OSError as error:
        raise _cannot_write(target, error) from None
    part = Path(name)
    try:
        with part.open("wb") as sink:
            yield sink
        os.replace(part, target)
    except OSError as error:
        raise _cannot_write(target, error) from None
    finally:
        part.unlink(missing_ok=True)


def _cannot_write(target: Path, error: OSError) -> CspError:
    return CspError(
        f"cannot write: {error.strerror or error}",
        path=str(target),
        hint="Free some disk space or choose another folder (--out, --cache-dir)",
    )


def _write_atomic(target: Path, content: bytes) -> None:
    with _replacing(target) as sink:
        sink.write(content)


def _copy(source: Path, target: Path) -> Path:
    with _replacing(target) as sink, source.open("rb") as original:
        shutil.copyfileobj(original, sink, _CHUNK)
    return target


def _open_zip(path: Path, url: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise CspError(
            "the cached download is not a readable zip", path=url, hint="Run again with --refresh"
        ) from None


def _extract(bundle: zipfile.ZipFile, member: str, target: Path, url: str) -> Path:
    try:
        with _replacing(target) as sink, bundle.open(member) as packed:
            shutil.copyfileobj(packed, sink, _CHUNK)
    except (zipfile.BadZipFile, zlib.error) as error:
        raise CspError(
            f"cannot extract {member}: {error}", path=url, hint="Run again with --refresh"
        ) from None
    return target


def _zip_member(bundle: zipfile.ZipFile, entry: ReferenceSource, url: str) -> str:
    names = bundle.namelist()
    for name in names:
        if any(fnmatch.fnmatchcase(n, entry.member or "")
               for n in (name, name.rsplit("/", 1)[-1])):
            return name
    raise CspError(
        f"the zip has no member '{entry.member}'",
        path=url,
        hint=f"It holds {', '.join(names[:10])}; check {entry.landing_page}",
    )


def _police_index(bundle: zipfile.ZipFile, url: str) -> dict[tuple[str, str, str], str]:
    """Map (month, force, kind) to the member name, for every police.uk CSV in the archive."""
    index = {}
    for name in bundle.namelist():
        match = _MEMBER.match(name)
        if match:
            index[(match["month"], match["force"], match["kind"])] = name
    if not index:
        raise CspError(
            "not a data.police.uk archive: no YYYY-MM/YYYY-MM-<force>-<kind>.csv files in it",
            path=url,
            hint=f"Check the address against {POLICE_ARCHIVE_PAGE}",
        )
    return index


def police_force_slug(force: str) -> str:
    """A force name as the archive spells it: lower case, words joined by hyphens.

    Examples
    --------
    >>> police_force_slug("Avon and Somerset")
    'avon-and-somerset'
    """
    return re.sub(r"[\s_]+", "-", force.strip().lower())


def _police_force(force: str, forces: Iterable[str], url: str) -> str:
    slug = police_force_slug(force)
    known = sorted(forces)
    if slug in known:
        return slug
    close = difflib.get_close_matches(slug, known, n=3, cutoff=0.6)
    close += [name for name in known if (name in slug or slug in name) and name not in close]
    suggestion = f"Did you mean {', '.join(close)}? " if close else ""
    raise CspError(
        f"force '{force}' is not in the archive",
        path=url,
        hint=f"{suggestion}The archive holds {_plural(len(known), 'force')}: {', '.join(known)}",
    )


def _police_months(wanted: tuple[str, str] | None, held: list[str], url: str) -> list[str]:
    if wanted is None:
        return held
    first, last = wanted
    chosen = _month_span(first, last)
    absent = [month for month in chosen if month not in held]
    if absent:
        raise CspError(
            f"months {_span_text(absent)} are not in the archive, which holds "
            f"{held[0]} to {held[-1]}",
            path=url,
            hint=(
                "Choose months in that range, or another archive with --archive YYYY-MM "
                "(each archive holds the 36 months up to its own month)"
            ),
        )
    return chosen


def _month_span(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _span_text(months: list[str]) -> str:
    return months[0] if len(months) == 1 else f"{months[0]} to {months[-1]} ({len(months)})"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
