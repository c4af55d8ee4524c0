"""``csp fetch`` against a real HTTP server on 127.0.0.1 (never any other address).

The server serves routes the test declares: bytes built at test time (police.uk-style zips
from the real Cleveland files, decompressed), ArcGIS FeatureServer pages cut from the real
lookup and boundary files, or a body cut short of its Content-Length. It counts requests, so
the tests can see when the cache was used.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import socket
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from cspkit.cli import app
from cspkit.errors import CspError
from cspkit.sources.catalogue import reference_source
from cspkit.sources.fetch import fetch_police, fetch_reference
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

ARCHIVE_PATH = "/data.police.uk/data/archive/{}.zip"
ARCGIS_HOST = "/services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes | Callable[[dict[str, list[str]]], bytes]
    status: int = 200
    send_bytes: int | None = None  # send only this many bytes of the body (a cut connection)


class Site:
    """Routes served by the loopback server, and a log of the requests it received."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.base = ""
        self.originals: dict[str, object] = {}  # what the routes were built from

    def count(self, path: str) -> int:
        return sum(1 for requested, _ in self.requests if requested == path)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                site.requests.append((parts.path, dict(self.headers)))
                route = site.routes.get(parts.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                body = (
                    route.body
                    if isinstance(route.body, bytes)
                    else route.body(parse_qs(parts.query))
                )
                etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body[: route.send_bytes])

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), site.handler())
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield site
    server.shutdown()
    server.server_close()
    thread.join()


def gunzip(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in members.items():
            bundle.writestr(name, content)
    return buffer.getvalue()


def cache_files(cache: Path) -> list[Path]:
    """Every file in the cache, temporary ones included."""
    return sorted(path for path in cache.rglob("*") if path.is_file())


# --- a tiny archive written here: runs without the real data --------------------------------

TINY_HEADER = b"Crime ID,Month,Reported by,Falls within,Crime type\n"


def tiny_archive() -> dict[str, bytes]:
    members = {}
    for month in ("2024-01", "2024-02", "2024-03"):
        for force in ("alpha", "beta-and-gamma"):
            row = f"id-{force}-{month},{month},{force},{force},Burglary\n".encode()
            members[f"{month}/{month}-{force}-street.csv"] = TINY_HEADER + row
            members[f"{month}/{month}-{force}-outcomes.csv"] = b"Crime ID,Month\n" + row[:9]
    members["2024-03/2024-03-alpha-stop-and-search.csv"] = b"Type,Date\nPerson search,x\n"
    return members


def test_tiny_archive_extracts_one_force_with_the_archive_paths(site, tmp_path):
    members = tiny_archive()
    site.routes[ARCHIVE_PATH.format("2024-03")] = Route(zip_bytes(members))
    out = tmp_path / "out"

    report = fetch_police(
        force="beta-and-gamma",
        months="2024-02:2024-03",
        archive="2024-03",
        out_dir=out,
        cache_dir=tmp_path / "cache",
        base_url=site.base,
    )

    relative = sorted(str(path.relative_to(out)) for path in out.rglob("*") if path.is_file())
    assert relative == [
        "2024-02/2024-02-beta-and-gamma-outcomes.csv",
        "2024-02/2024-02-beta-and-gamma-street.csv",
        "2024-03/2024-03-beta-and-gamma-outcomes.csv",
        "2024-03/2024-03-beta-and-gamma-street.csv",
    ]
    for name in relative:
        assert (out / name).read_bytes() == members[name]
    assert sorted(report.written) == sorted(out / name for name in relative)
    assert report.missing == (
        "2024-02/2024-02-beta-and-gamma-stop-and-search.csv",
        "2024-03/2024-03-beta-and-gamma-stop-and-search.csv",
    )
    assert "Open Government Licence v3.0" in report.attribution[0]


def test_all_forces_extracts_every_force_in_the_archive_layout(site, tmp_path):
    members = tiny_archive()
    site.routes[ARCHIVE_PATH.format("2024-03")] = Route(zip_bytes(members))
    out = tmp_path / "out"

    report = fetch_police(force=None, months="2024-03", archive="2024-03", out_dir=out,
                          kinds=("street", "stop-and-search"), cache_dir=tmp_path / "cache",
                          base_url=site.base)

    relative = sorted(str(path.relative_to(out)) for path in out.rglob("*") if path.is_file())
    assert relative == [
        "2024-03/2024-03-alpha-stop-and-search.csv",
        "2024-03/2024-03-alpha-street.csv",
        "2024-03/2024-03-beta-and-gamma-street.csv",
    ]
    for name in relative:
        assert (out / name).read_bytes() == members[name]
    assert report.missing == ()


def test_the_command_wants_a_force_or_all_forces(tmp_path):
    result = CliRunner().invoke(app, ["fetch", "police", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "--all-forces" in result.output


def test_tiny_archive_without_months_takes_every_month_of_the_chosen_kinds(site, tmp_path):
    site.routes[ARCHIVE_PATH.format("latest")] = Route(zip_bytes(tiny_archive()))

    report = fetch_police(
        force="Alpha",
        kinds=("street",),
        out_dir=tmp_path / "out",
        cache_dir=tmp_path / "cache",
        base_url=site.base,
    )

    assert [path.name for path in report.written] == [
        "2024-01-alpha-street.csv",
        "2024-02-alpha-street.csv",
        "2024-03-alpha-street.csv",
    ]
    assert report.missing == ()


def test_base_url_can_come_from_the_environment(site, tmp_path, monkeypatch):
    site.routes[ARCHIVE_PATH.format("2024-03")] = Route(zip_bytes(tiny_archive()))
    monkeypatch.setenv("CSP_FETCH_BASE_URL", site.base)
    monkeypatch.setenv("CSP_CACHE_DIR", str(tmp_path / "env-cache"))

    fetch_police(force="alpha", archive="2024-03", out_dir=tmp_path / "out")

    assert site.count(ARCHIVE_PATH.format("2024-03")) == 1
    assert len(cache_files(tmp_path / "env-cache")) == 2  # the archive and its record


def test_latest_is_revalidated_and_downloaded_again_only_when_it_changed(site, tmp_path):
    path = ARCHIVE_PATH.format("latest")
    site.routes[path] = Route(zip_bytes(tiny_archive()))
    options = {
        "force": "alpha",
        "out_dir": tmp_path / "out",
        "cache_dir": tmp_path / "cache",
        "base_url": site.base,
    }

    first = fetch_police(**options)
    second = fetch_police(**options)

    assert not first.downloads[0].from_cache
    assert second.downloads[0].from_cache
    assert site.requests[1][1].get("If-None-Match")  # asked, and was told 304

    newer = tiny_archive()
    newer["2024-04/2024-04-alpha-street.csv"] = TINY_HEADER
    site.routes[path] = Route(zip_bytes(newer))
    third = fetch_police(**options)

    assert not third.downloads[0].from_cache
    assert (tmp_path / "out" / "2024-04" / "2024-04-alpha-street.csv").exists()
    assert site.count(path) == 3


def test_dated_archive_is_not_requested_again_and_refresh_forces_it(site, tmp_path):
    path = ARCHIVE_PATH.format("2024-03")
    site.routes[path] = Route(zip_bytes(tiny_archive()))
    options = {
        "force": "alpha",
        "archive": "2024-03",
        "out_dir": tmp_path / "out",
        "cache_dir": tmp_path / "cache",
        "base_url": site.base,
    }

    fetch_police(**options)
    fetch_police(**options)
    assert site.count(path) == 1

    refreshed = fetch_police(**options, refresh=True)
    assert site.count(path) == 2
    assert not refreshed.downloads[0].from_cache


def test_progress_is_reported_in_bytes_against_the_content_length(site, tmp_path):
    body = zip_bytes(tiny_archive())
    site.routes[ARCHIVE_PATH.format("2024-03")] = Route(body)
    seen: list[tuple[str, int, int | None]] = []

    fetch_police(
        force="alpha",
        archive="2024-03",
        out_dir=tmp_path / "out",
        cache_dir=tmp_path / "cache",
        base_url=site.base,
        progress=lambda url, done, total: seen.append((url, done, total)),
    )

    assert seen[-1] == (f"{site.base}{ARCHIVE_PATH.format('2024-03')}", len(body), len(body))


def test_not_found_is_a_one_line_error_naming_the_url(site, tmp_path):
    with pytest.raises(CspError) as caught:
        fetch_police(
            force="alpha",
            archive="2019-01",
            out_dir=tmp_path / "out",
            cache_dir=tmp_path / "cache",
            base_url=site.base,
        )

    message = str(caught.value)
    assert f"{site.base}{ARCHIVE_PATH.format('2019-01')}" in message
    assert "HTTP 404" in message
    assert "data.police.uk/data/archive/" in message  # where to look
    assert "\n" not in message
    assert cache_files(tmp_path / "cache") == []


def test_truncated_download_is_refused_and_leaves_nothing_in_the_cache(site, tmp_path):
    body = zip_bytes(tiny_archive())
    site.routes[ARCHIVE_PATH.format("2024-03")] = Route(body, send_bytes=len(body) // 2)

    with pytest.raises(CspError, match=r"truncated: received [\d,]+ of [\d,]+ bytes"):
        fetch_police(
            force="alpha",
            archive="2024-03",
            out_dir=tmp_path / "out",
            cache_dir=tmp_path / "cache",
            base_url=site.base,
        )

    assert cache_files(tmp_path / "cache") == []
    assert not (tmp_path / "out").exists()


def test_an_html_page_where_a_zip_was_expected_is_refused(site, tmp_path):
    page = b"<!DOCTYPE html><html><body>Maintenance</body></html>"
    site.routes[ARCHIVE_PATH.format("2024-03")] = Route(page)

    with pytest.raises(CspError, match="expected a zip file but got an HTML page") as caught:
        fetch_police(
            force="alpha",
            archive="2024-03",
            out_dir=tmp_path / "out",
            cache_dir=tmp_path / "cache",
            base_url=site.base,
        )

    assert ARCHIVE_PATH.format("2024-03") in str(caught.value)
    assert cache_files(tmp_path / "cache") == []


def test_connection_refused_names_the_host_and_what_to_do(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"  # closed again: nothing listens there

    with pytest.raises(CspError) as caught:
        fetch_police(
            force="alpha",
            out_dir=tmp_path / "out",
            cache_dir=tmp_path / "cache",
            base_url=base,
        )

    message = str(caught.value)
    assert f"could not connect to 127.0.0.1:{port}" in message
    assert f"{base}{ARCHIVE_PATH.format('latest')}" in message
    assert "CSP_FETCH_BASE_URL" in message
    assert cache_files(tmp_path / "cache") == []


def test_bad_archive_name_and_months_are_refused_before_any_download(site, tmp_path):
    options = {"out_dir": tmp_path, "cache_dir": tmp_path, "base_url": site.base}
    with pytest.raises(CspError, match="neither 'latest' nor a month"):
        fetch_police(force="alpha", archive="2024-13", **options)
    with pytest.raises(CspError, match="YYYY-MM or YYYY-MM:YYYY-MM"):
        fetch_police(force="alpha", months="2024-1", **options)
    with pytest.raises(CspError, match="unknown police.uk file kind"):
        fetch_police(force="alpha", kinds=("crimes",), **options)
    assert site.requests == []


def test_a_zip_that_is_not_a_police_archive_is_named_as_such(site, tmp_path):
    site.routes[ARCHIVE_PATH.format("2024-03")] = Route(zip_bytes({"readme.txt": b"hello"}))

    with pytest.raises(CspError, match="not a data.police.uk archive"):
        fetch_police(
            force="alpha",
            archive="2024-03",
            out_dir=tmp_path / "out",
            cache_dir=tmp_path / "cache",
            base_url=site.base,
        )


# --- the real Cleveland files, in a police.uk-style archive built at test time ---------------

CLEVELAND_MONTHS = ("2025-10", "2025-11", "2025-12")
KINDS = ("street", "outcomes", "stop-and-search")


def real_archive(shared_data: Path) -> dict[str, bytes]:
    """Real Cleveland files for 2025-10..12 (2025-12 has street only) and a made-up force."""
    members = {}
    for month in CLEVELAND_MONTHS:
        for kind in KINDS:
            source = shared_data / "police-uk" / "cleveland" / kind / f"{month}-cleveland-{kind}"
            gz = source.with_name(source.name + ".csv.gz")
            if gz.exists():
                members[f"{month}/{month}-cleveland-{kind}.csv"] = gunzip(gz)
        members[f"{month}/{month}-durham-street.csv"] = TINY_HEADER + b"d1,x,Durham,Durham,Drugs\n"
    return members


@pytest.fixture
def archive_site(site: Site, shared_data: Path) -> Site:
    site.routes[ARCHIVE_PATH.format("2025-12")] = Route(zip_bytes(real_archive(shared_data)))
    return site


@pytest.mark.real_data
def test_real_cleveland_files_come_out_byte_identical(archive_site, shared_data, tmp_path):
    out = tmp_path / "police-uk" / "cleveland"

    report = fetch_police(
        force="cleveland",
        months="2025-10:2025-12",
        archive="2025-12",
        out_dir=out,
        cache_dir=tmp_path / "cache",
        base_url=archive_site.base,
    )

    assert len(report.written) == 7
    for path in report.written:
        month, name = path.parent.name, path.name
        kind = name.removeprefix(f"{month}-cleveland-").removesuffix(".csv")
        original = shared_data / "police-uk" / "cleveland" / kind / f"{name}.gz"
        assert path.read_bytes() == gunzip(original), name
    assert not list(out.rglob("*durham*"))
    assert report.missing == (
        "2025-12/2025-12-cleveland-outcomes.csv",
        "2025-12/2025-12-cleveland-stop-and-search.csv",
    )


@pytest.mark.real_data
def test_second_fetch_of_another_month_uses_the_cached_archive(archive_site, tmp_path):
    options = {
        "force": "cleveland",
        "archive": "2025-12",
        "cache_dir": tmp_path / "cache",
        "base_url": archive_site.base,
    }

    fetch_police(months="2025-10", out_dir=tmp_path / "a", **options)
    again = fetch_police(months="2025-11", out_dir=tmp_path / "b", **options)

    assert archive_site.count(ARCHIVE_PATH.format("2025-12")) == 1
    assert again.downloads[0].from_cache
    assert len(again.written) == 3


@pytest.mark.real_data
def test_force_not_in_archive_lists_close_matches_and_every_force(archive_site, tmp_path):
    with pytest.raises(CspError) as caught:
        fetch_police(
            force="clevland",
            archive="2025-12",
            out_dir=tmp_path / "out",
            cache_dir=tmp_path / "cache",
            base_url=archive_site.base,
        )

    message = str(caught.value)
    assert "force 'clevland' is not in the archive" in message
    assert "Did you mean cleveland?" in message
    assert "2 forces: cleveland, durham" in message


@pytest.mark.real_data
def test_months_outside_the_archive_are_an_error_naming_its_range(archive_site, tmp_path):
    with pytest.raises(CspError) as caught:
        fetch_police(
            force="cleveland",
            months="2025-11:2026-02",
            archive="2025-12",
            out_dir=tmp_path / "out",
            cache_dir=tmp_path / "cache",
            base_url=archive_site.base,
        )

    message = str(caught.value)
    assert "months 2026-01 to 2026-02 (2) are not in the archive" in message
    assert "holds 2025-10 to 2025-12" in message
    assert "--archive YYYY-MM" in message
    assert not (tmp_path / "out").exists()


# --- reference data: plain files, a zip member, ArcGIS FeatureServer pages -------------------


def arcgis_pages(features: list[dict], page_limit: int) -> Callable[[dict], bytes]:
    """An ArcGIS ``query`` endpoint that returns at most ``page_limit`` features a page."""

    def answer(query: dict[str, list[str]]) -> bytes:
        assert query["f"] == ["geojson"] and query["where"] == ["1=1"]
        offset = int(query["resultOffset"][0])
        count = min(int(query["resultRecordCount"][0]), page_limit)
        page = features[offset : offset + count]
        more = offset + count < len(features)
        body = {"type": "FeatureCollection", "features": page}
        if more:
            body["properties"] = {"exceededTransferLimit": True}
        return json.dumps(body).encode()

    return answer


def lookup_features(csv_bytes: bytes) -> list[dict]:
    """The lookup's rows as the FeatureServer gives them: nulls for empty cells, int ids."""
    rows = csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig")))
    return [
        {
            "type": "Feature",
            "id": int(row["ObjectId"]),
            "geometry": None,
            "properties": {
                key: (int(value) if key == "ObjectId" else value or None)
                for key, value in row.items()
            },
        }
        for row in rows
    ]


@pytest.fixture
def reference_site(site: Site, shared_data: Path) -> Site:
    lookup = gunzip(shared_data / "lookups" / "LSOA21_WD25_LAD25_EW_LU_v2.csv.gz")
    boundaries_file = shared_data / "boundaries" / "lsoa21_bsc_cleveland.geojson"
    boundaries = json.loads(boundaries_file.read_text(encoding="utf-8"))
    census = gunzip(shared_data / "population" / "census2021_usual_residents_lsoa21.csv.gz")
    file1 = gunzip(shared_data / "imd" / "File_1_IoD2025_IMD_rank_decile_england_lsoa21.csv.gz")
    site.routes.update(
        {
            f"{ARCGIS_HOST}/LSOA21_WD25_LAD25_EW_LU_v2/FeatureServer/0/query": Route(
                arcgis_pages(lookup_features(lookup), page_limit=1000)
            ),
            f"{ARCGIS_HOST}/Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BSC_V4"
            "/FeatureServer/0/query": Route(arcgis_pages(boundaries["features"], page_limit=100)),
            "/www.nomisweb.co.uk/output/census/2021/census2021-ts001.zip": Route(
                zip_bytes(
                    {"census2021-ts001-oa.csv": b"decoy\n", "census2021-ts001-lsoa.csv": census}
                ),
            ),
            "/mirror/imd/file1.csv": Route(file1),
        }
    )
    site.originals = {"lookup": lookup, "boundaries": boundaries, "census": census, "file1": file1}
    return site


@pytest.mark.real_data
def test_reference_files_arrive_intact_from_every_kind_of_source(reference_site, tmp_path):
    originals = reference_site.originals
    out = tmp_path / "reference"

    report = fetch_reference(
        ["lsoa21-ward25-lad25", "lsoa21-boundaries", "census2021-ts001", "iod2025-file7"],
        out_dir=out,
        cache_dir=tmp_path / "cache",
        base_url=reference_site.base,
        urls={"iod2025-file7": f"{reference_site.base}/mirror/imd/file1.csv"},
    )

    assert (out / "LSOA21_WD25_LAD25_EW_LU_v2.csv").read_bytes() == originals["lookup"]
    geojson = json.loads((out / "lsoa21_boundaries_bsc.geojson").read_text())
    assert geojson["type"] == "FeatureCollection"
    assert geojson["features"] == originals["boundaries"]["features"]
    assert (out / "census2021-ts001-lsoa.csv").read_bytes() == originals["census"]
    override = out / "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv"
    assert override.read_bytes() == originals["file1"]
    assert len(report.written) == 4
    assert any("Contains OS data" in line for line in report.attribution)


@pytest.mark.real_data
def test_reference_second_fetch_makes_no_request(reference_site, tmp_path):
    options = {
        "out_dir": tmp_path / "reference",
        "cache_dir": tmp_path / "cache",
        "base_url": reference_site.base,
    }
    fetch_reference(["lsoa21-ward25-lad25", "census2021-ts001"], **options)
    made = len(reference_site.requests)
    assert made == 37  # 36 pages of at most 1,000 lookup rows (35,672) and one zip

    again = fetch_reference(["lsoa21-ward25-lad25", "census2021-ts001"], **options)

    assert len(reference_site.requests) == made
    assert all(fetched.from_cache for fetched in again.downloads)


def test_arcgis_error_answer_is_reported_with_the_service_message(site, tmp_path):
    path = f"{ARCGIS_HOST}/LSOA21_WD25_LAD25_EW_LU_v2/FeatureServer/0/query"
    site.routes[path] = Route(b'{"error": {"code": 400, "message": "Invalid URL"}}')

    with pytest.raises(CspError, match="the ArcGIS service answered: Invalid URL") as caught:
        fetch_reference(
            ["lsoa21-ward25-lad25"],
            out_dir=tmp_path / "out",
            cache_dir=tmp_path / "cache",
            base_url=site.base,
        )

    assert "geoportal.statistics.gov.uk" in str(caught.value)
    assert cache_files(tmp_path / "cache") == []


def test_arcgis_service_that_ignores_paging_is_refused_not_looped_over(site, tmp_path):
    features = [
        {"type": "Feature", "geometry": None, "properties": {"LSOA21CD": f"E0{n}", "ObjectId": n}}
        for n in range(2000)
    ]
    path = f"{ARCGIS_HOST}/LSOA21_WD25_LAD25_EW_LU_v2/FeatureServer/0/query"
    site.routes[path] = Route(
        json.dumps({"type": "FeatureCollection", "features": features}).encode()
    )

    with pytest.raises(CspError, match="sent the same page twice"):
        fetch_reference(
            ["lsoa21-ward25-lad25"],
            out_dir=tmp_path / "out",
            cache_dir=tmp_path / "cache",
            base_url=site.base,
        )

    assert site.count(path) == 2


def test_an_output_folder_that_cannot_be_written_is_a_clear_error(site, tmp_path):
    site.routes[ARCHIVE_PATH.format("2024-03")] = Route(zip_bytes(tiny_archive()))
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")

    with pytest.raises(CspError, match="cannot write") as caught:
        fetch_police(
            force="alpha",
            archive="2024-03",
            out_dir=blocker,
            cache_dir=tmp_path / "cache",
            base_url=site.base,
        )

    assert str(blocker) in str(caught.value)


def test_zip_without_the_expected_member_lists_what_it_holds(site, tmp_path):
    site.routes["/www.nomisweb.co.uk/output/census/2021/census2021-ts001.zip"] = Route(
        zip_bytes({"census2021-ts001-oa.csv": b"x\n"})
    )

    with pytest.raises(CspError, match="no member 'census2021-ts001-lsoa.csv'.*ts001-oa.csv"):
        fetch_reference(
            ["census2021-ts001"],
            out_dir=tmp_path / "out",
            cache_dir=tmp_path / "cache",
            base_url=site.base,
        )


def test_unknown_reference_name_suggests_the_close_one(tmp_path):
    with pytest.raises(CspError, match="Did you mean iod2025-file7"):
        fetch_reference(["iod2025-file8"], out_dir=tmp_path)


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def cli() -> Callable[..., object]:
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["fetch", *args])


def test_cli_police_writes_files_and_says_what_it_did(cli, site, tmp_path):
    site.routes[ARCHIVE_PATH.format("2024-03")] = Route(zip_bytes(tiny_archive()))
    out = tmp_path / "out"
    args = ["--force", "alpha", "--archive", "2024-03", "--months", "2024-03", "--kind", "street"]
    common = ["--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--base-url", site.base]

    first = cli("police", *args, *common)
    second = cli("police", *args, *common)

    assert first.exit_code == 0, first.output
    assert (out / "2024-03" / "2024-03-alpha-street.csv").exists()
    assert "downloaded:" in first.output and "wrote 1 file(s)" in first.output
    assert "cached:" in second.output
    assert "Open Government Licence v3.0" in first.output


def test_cli_police_writes_under_data_police_uk_force_by_default(cli, site, tmp_path, monkeypatch):
    site.routes[ARCHIVE_PATH.format("latest")] = Route(zip_bytes(tiny_archive()))
    monkeypatch.chdir(tmp_path)

    result = cli(
        "police", "--force", "Beta and Gamma", "--kind", "street",
        "--cache-dir", str(tmp_path / "cache"), "--base-url", site.base,
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "data" / "police-uk").rglob("*.csv"))
    assert written == [f"2024-0{n}-beta-and-gamma-street.csv" for n in (1, 2, 3)]
    assert (tmp_path / "data" / "police-uk" / "beta-and-gamma" / "2024-01").is_dir()


def test_cli_error_is_one_line_and_exits_non_zero(cli, site, tmp_path):
    result = cli(
        "police", "--force", "alpha", "--archive", "2019-01",
        "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"),
        "--base-url", site.base,
    )  # fmt: skip

    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "HTTP 404" in errors[0]


def test_cli_reference_takes_a_bare_url_for_a_single_name(cli, site, tmp_path):
    site.routes["/mirror/file7.csv"] = Route(b"LSOA code (2021),IMD decile\nE01000001,9\n")

    result = cli(
        "reference", "iod2025-file7", "--url", f"{site.base}/mirror/file7.csv",
        "--out", str(tmp_path / "ref"), "--cache-dir", str(tmp_path / "cache"),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    name = "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv"
    written = tmp_path / "ref" / name
    assert written.read_bytes().startswith(b"LSOA code (2021)")


def test_cli_reference_takes_name_equals_url_overrides(cli, site, tmp_path):
    site.routes["/mirror/a.csv"] = Route(b"LSOA code (2021),IMD decile\nE01000001,9\n")
    site.routes["/mirror/b.csv"] = Route(b"LSOA code (2011),IMD decile\nE01000001,3\n")

    result = cli(
        "reference", "iod2025-file7", "iod2019-file7",
        "--url", f"iod2025-file7={site.base}/mirror/a.csv",
        "--url", f"iod2019-file7={site.base}/mirror/b.csv",
        "--out", str(tmp_path / "ref"), "--cache-dir", str(tmp_path / "cache"),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "ref").iterdir()) == [
        "File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv",
        "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
    ]


def test_cli_reference_needs_name_equals_url_with_several_names(cli, tmp_path):
    result = cli("reference", "iod2025-file1", "iod2025-file7", "--url", "https://example.org/x")

    assert result.exit_code != 0
    assert "NAME=URL" in result.output


def test_cli_list_prints_every_catalogue_entry(cli):
    from cspkit.sources.catalogue import REFERENCE_CATALOGUE

    result = cli("list")

    assert result.exit_code == 0
    for entry in REFERENCE_CATALOGUE:
        assert entry.name in result.output
        assert entry.url in result.output
    assert "[URL uncertain" in result.output


# The ONS best-fit postcode lookup's columns, in the order the ONS publishes them.
POSTCODE_COLUMNS = ("pcd7,pcd8,pcds,dointr,doterm,usertype,oa21cd,lsoa21cd,msoa21cd,ladcd,"
                    "lsoa21nm,msoa21nm,ladnm,ladnmw")


def test_the_postcode_lookup_is_fetched_and_csp_load_recognises_it(site, tmp_path):
    # Fictional postcodes (ZZ is no postcode area) in the published layout; one terminated.
    lookup = (POSTCODE_COLUMNS + "\n"
              "ZZ1 1AA,ZZ1  1AA,ZZ1 1AA,198001,,0,E00999001,E01999001,E02999001,E06999001,"
              "Testton 001A,Testton 001,Testton,\n"
              "ZZ1 1AB,ZZ1  1AB,ZZ1 1AB,198001,202003,0,E00999002,E01999002,E02999001,"
              "E06999001,Testton 001B,Testton 001,Testton,\n").encode()
    entry = reference_source("postcode-lsoa21")
    site.routes["/" + entry.url.split("://", 1)[1]] = Route(zip_bytes({
        "PCD_OA21_LSOA21_MSOA21_LAD_FEB25_UK_LU.csv": lookup}))

    report = fetch_reference(["postcode-lsoa21"], out_dir=tmp_path / "reference",
                             cache_dir=tmp_path / "cache", base_url=site.base)

    written = tmp_path / "reference" / "PCD_OA21_LSOA21_MSOA21_LAD_UK_LU.csv"
    assert report.written == (written,) and written.read_bytes() == lookup
    assert any("Contains Royal Mail data" in line for line in report.attribution)
    con = connect(tmp_path / "w.duckdb")
    loaded = load_paths(con, [written])
    assert [f.kind for f in loaded.loaded] == ["ons_postcode_lookup"]
    rows = con.table("postcode").to_pandas().sort_values("postcode")
    assert rows[["postcode", "lsoa_code", "lad_code", "terminated"]].fillna("").values.tolist() == [
        ["ZZ1 1AA", "E01999001", "E06999001", ""], ["ZZ1 1AB", "E01999002", "E06999001", "202003"]]


def test_a_newer_edition_of_the_postcode_lookup_can_be_fetched_with_url(site, tmp_path):
    lookup = (POSTCODE_COLUMNS + "\nZZ1 1AA,ZZ1  1AA,ZZ1 1AA,198001,,0,E00999001,E01999001,"
              "E02999001,E06999001,,,,\n").encode()
    site.routes["/mirror/nov25.zip"] = Route(zip_bytes({
        "Documents/readme.txt": b"user guide",
        "Data/PCD_OA21_LSOA21_MSOA21_LAD_NOV25_UK_LU.csv": lookup}))

    fetch_reference(["postcode-lsoa21"], out_dir=tmp_path / "reference",
                    cache_dir=tmp_path / "cache",
                    urls={"postcode-lsoa21": f"{site.base}/mirror/nov25.zip"})

    written = tmp_path / "reference" / "PCD_OA21_LSOA21_MSOA21_LAD_UK_LU.csv"
    assert written.read_bytes() == lookup


def test_an_entry_without_a_fixed_address_needs_url_and_is_left_out_of_the_whole_catalogue(
        tmp_path):
    from cspkit.sources.catalogue import REFERENCE_CATALOGUE
    from cspkit.sources.fetch import entries_to_fetch

    with pytest.raises(CspError, match="sam-lad has no fixed download address") as refused:
        fetch_reference(["sam-lad"], out_dir=tmp_path / "reference",
                        cache_dir=tmp_path / "cache", base_url="http://127.0.0.1:9")
    assert "--url" in refused.value.hint and "geoportal" in refused.value.hint
    assert not (tmp_path / "cache").exists() and not (tmp_path / "reference").exists()

    whole = [e.name for e in entries_to_fetch([], {})]
    assert "sam-lad" not in whole
    assert whole == [e.name for e in REFERENCE_CATALOGUE if e.name != "sam-lad"]
    assert "sam-lad" in [e.name for e in entries_to_fetch([], {"sam-lad": "http://x/s.zip"})]


def test_the_sam_district_file_is_fetched_with_url_and_csp_load_recognises_it(site, tmp_path):
    # Made-up areas in the published layout of the SAM release's district CSV.
    sam = (b"LAD24CD,LAD24NM,LAD24NMW,AREAEHECT,AREACHECT,AREAIHECT,AREALHECT\n"
           b"E06999001,Testton,,2050.00,2020.00,20.00,2000.00\n")
    site.routes["/mirror/sam_dec24.zip"] = Route(zip_bytes({
        "SAM_User_Guide.pdf": b"guide", "SAM_WD_DEC_2024_UK.csv": b"WD24CD,AREALHECT\n",
        "SAM_LAD_DEC_2024_UK.csv": sam}))

    fetch_reference(["sam-lad"], out_dir=tmp_path / "reference", cache_dir=tmp_path / "cache",
                    urls={"sam-lad": f"{site.base}/mirror/sam_dec24.zip"})

    written = tmp_path / "reference" / "SAM_LAD_UK.csv"
    assert written.read_bytes() == sam
    con = connect(tmp_path / "w.duckdb")
    assert [f.kind for f in load_paths(con, [written]).loaded] == [
        "ons_standard_area_measurements"]
    assert con.table("area_measure").to_pandas()["land_hectares"].tolist() == [2000.0]
