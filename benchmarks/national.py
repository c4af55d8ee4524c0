"""The national estate at scale: load the synthetic national archive, rank every partnership.

1. Writes the synthetic national archive (every force, 2023-01..2025-12, about 20 million
   rows; counts from the all-forces summary in ../shared/data or $CSP_SHARED_DATA) unless
   ``--archive`` names one already written.
2. Loads the reference data (ONS lookups, Census 2021, mid-2020 ages, IMD 2025) into a new
   DuckDB warehouse, then the archive month by month (``csp national load``); prints rows,
   load time and the peak resident memory of the loading process.
3. Runs ``csp national rank``'s computation (2025 against 2024) and prints its time.
4. Copies a sample (the North East's authorities) to local Spark and prints whether its
   national table is identical to DuckDB's, with the Spark time.
5. Times ``csp assess --all`` on a sample of partnerships (``--batch-sample``, default 8),
   with HTML and CSV, then every format: wall and CPU seconds per partnership.
   ``--batch-warehouse FILE`` times only this, on a warehouse already loaded.

Targets: load under 120 s and 4 GB, national under 20 s on DuckDB. Figures are printed,
never asserted. Each step runs in its own process so its peak memory is its own.

    .venv/bin/python benchmarks/national.py [--archive DIR] [--months 36] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import resource
import tempfile
import time
from pathlib import Path

SHARED = Path(os.environ.get("CSP_SHARED_DATA",
                             Path(__file__).resolve().parents[2] / "shared" / "data"))
REFERENCE = ("lookups/LSOA21_WD25_LAD25_EW_LU_v2.csv.gz",
             "lookups/lookup_lsoa11_lsoa21_ltla22.csv.gz",
             "population/census2021_usual_residents_lsoa21.csv.gz",
             "population/population20_lsoa11_syoa.csv.gz",
             "imd/imd2025_england_lsoa21.csv.gz")
NORTH_EAST = ("E06000001", "E06000002", "E06000003", "E06000004", "E06000005", "E06000047",
              "E06000057", "E08000021", "E08000022", "E08000023", "E08000024", "E08000037")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_child(target, *args) -> dict:
    """Run ``target(queue, *args)`` in a fresh process and return the dict it puts."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(queue, *args))
    process.start()
    result = queue.get()
    process.join()
    return result


def _write(queue, out: str, months: tuple[str, ...], scale: float) -> None:
    from cspkit.synth.national import write_national_archive

    started = time.perf_counter()
    archive = write_national_archive(out, shared=SHARED, months=months, scale=scale)
    queue.put({"rows": archive.rows, "files": archive.files,
               "seconds": time.perf_counter() - started})


def _load(queue, archive: str, warehouse: str) -> None:
    from cspkit.national.load import load_archive
    from cspkit.warehouse import connect
    from cspkit.warehouse.load import load_paths

    con = connect(warehouse)
    started = time.perf_counter()
    load_paths(con, [SHARED / p for p in REFERENCE])
    reference = time.perf_counter() - started
    before = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    months = load_archive(con, archive)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rows = int(con.sql("SELECT count(*) AS n FROM incident").execute()["n"].iloc[0])
    con.disconnect()
    queue.put({"reference": reference, "seconds": seconds, "cpu": cpu, "rows": rows,
               "months": len(months), "peak_mb": _peak_mb(),
               "load_average": (before, os.getloadavg()[0])})


def _national(queue, warehouse: str) -> None:
    from cspkit.analysis.national import national_comparison
    from cspkit.analysis.periods import StrategicPeriod
    from cspkit.warehouse import connect

    con = connect(warehouse, create=False)
    started = time.perf_counter()
    result = national_comparison(con, period=StrategicPeriod("2025-01", "2025-12"))
    seconds = time.perf_counter() - started
    queue.put({"seconds": seconds, "partnerships": len(result.table),
               "grouped": int(result.table["group_size"].notna().sum()),
               "peak_mb": _peak_mb()})


def _spark(queue, warehouse: str) -> None:
    import ibis
    import pandas as pd
    from pyspark.sql import SparkSession

    from cspkit.analysis.national import national_comparison
    from cspkit.analysis.periods import StrategicPeriod
    from cspkit.warehouse import connect
    from cspkit.warehouse.schema import TABLES

    duck = connect(warehouse, create=False)
    codes = ", ".join(f"'{c}'" for c in NORTH_EAST)
    lsoas = f"SELECT lsoa_code FROM area WHERE lad_code IN ({codes})"
    lsoa11 = f"SELECT lsoa11_code FROM lsoa_change WHERE lsoa21_code IN ({lsoas})"
    filters = {
        "area": f"lad_code IN ({codes})",
        "lsoa_change": f"lsoa21_code IN ({lsoas})",
        "incident": f"lad_code IN ({codes})",
        "deprivation": f"lsoa_code IN ({lsoas})",
        "population": f"lsoa_code IN ({lsoas}) OR lsoa_code IN ({lsoa11})",
    }
    session = (SparkSession.builder.master("local[2]").appName("cspkit-national-benchmark")
               .config("spark.sql.shuffle.partitions", "2").config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    spark = ibis.pyspark.connect(session)
    small = connect(os.path.join(tempfile.mkdtemp(), "sample.duckdb"))
    for name, table in TABLES.items():
        where = filters.get(name)
        rows = duck.sql(f"SELECT * FROM {name}" + (f" WHERE {where}" if where else "")
                        ).to_pyarrow().combine_chunks()
        small.insert(name, rows)
        spark.create_view(name, ibis.memtable(rows, schema=table.schema), overwrite=True)
    period = StrategicPeriod("2025-01", "2025-12")
    on_duck = national_comparison(small, period=period, group_size=5)
    started = time.perf_counter()
    on_spark = national_comparison(spark, period=period, group_size=5)
    seconds = time.perf_counter() - started
    try:
        pd.testing.assert_frame_equal(on_duck.table, on_spark.table)
        identical = True
    except AssertionError:
        identical = False
    session.stop()
    queue.put({"seconds": seconds, "partnerships": len(on_spark.table),
               "identical": identical})


def _batch(queue, warehouse: str, sample: int, formats: str) -> None:
    """``csp assess --all`` on the first ``sample`` partnerships (2025 against 2024), one
    worker per core; wall and CPU time (this process and every worker) per partnership."""
    from cspkit.assessment.batch import partnerships_from_template, run_batch
    from cspkit.assessment.config import FORMATS, write_default_config
    from cspkit.warehouse import connect

    work = Path(tempfile.mkdtemp(prefix="csp-batch-"))
    con = connect(warehouse, read_only=True)
    first = con.table("area").lad_code.min().execute()
    con.disconnect()
    template = write_default_config(work / "template.toml", name="Template", areas=[first],
                                    period="2025-01:2025-12", compare="previous")
    chosen = list(FORMATS) if formats == "all" else formats.split(",")
    text = template.read_text(encoding="utf-8")
    template.write_text(re.sub(r"(?m)^formats = .*$", f"formats = {json.dumps(chosen)}", text),
                        encoding="utf-8")
    partnerships, _ = partnerships_from_template(template, warehouse=warehouse)
    partnerships = partnerships[:sample]
    started, cpu = time.perf_counter(), time.process_time()
    run = run_batch(partnerships, warehouse=warehouse, out_dir=work / "out", force=True)
    wall = time.perf_counter() - started
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    queue.put({"partnerships": len(partnerships), "failed": run.count("failed"),
               "wall": wall, "cpu": time.process_time() - cpu + workers.ru_utime
               + workers.ru_stime, "inside": sum(o.seconds for o in run.outcomes),
               "inside_cpu": sum(o.cpu_seconds for o in run.outcomes),
               "formats": ",".join(chosen), "worker_peak_mb": workers.ru_maxrss / 1024})


def _print_batch(warehouse: str, sample: int, formats: str) -> None:
    if sample <= 0:
        return
    for chosen in ([formats, "all"] if formats != "all" else ["all"]):
        done = _in_child(_batch, warehouse, sample, chosen)
        n = done["partnerships"]
        print(f"csp assess --all ({done['formats']}), {n} partnerships, {os.cpu_count()} "
              f"workers: {done['wall']:.1f} s wall, {done['wall'] / n:.1f} s per partnership; "
              f"CPU {done['cpu'] / n:.1f} s per partnership (workers' start-up included; "
              f"{done['inside_cpu'] / n:.1f} s CPU and {done['inside'] / n:.1f} s wall inside "
              f"one assessment); largest worker {done['worker_peak_mb'] / 1024:.2f} GB "
              f"resident; {done['failed']} failed")


def _filtered_reference(out: Path, lads: tuple[str, ...]) -> list[Path]:
    """The reference files cut to some authorities (DuckDB SQL over the shared files)."""
    import duckdb

    codes = ", ".join(f"'{c}'" for c in lads)
    lookup, change, census, ages, imd = (SHARED / r for r in REFERENCE)
    lsoas = f"SELECT LSOA21CD FROM read_csv('{lookup}', all_varchar=true) " \
            f"WHERE LAD25CD IN ({codes})"
    lsoa11 = f"SELECT lsoa11_code FROM read_csv('{change}', all_varchar=true) " \
             f"WHERE lsoa21_code IN ({lsoas})"
    cuts = ((lookup, f"LAD25CD IN ({codes})"), (change, f"lsoa21_code IN ({lsoas})"),
            (census, f"lsoa21_code IN ({lsoas})"), (ages, f"lsoa11_code IN ({lsoa11})"),
            (imd, f"lsoa21_code IN ({lsoas})"))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source, where in cuts:
        target = out / source.name.removesuffix(".gz")
        duckdb.sql(f"COPY (SELECT * FROM read_csv('{source}', all_varchar=true) "
                   f"WHERE {where}) TO '{target}' (HEADER)")
        written.append(target)
    return written


def spark_commands(months: int = 12, scale: float = 0.1) -> None:
    """The Spark figure: `csp load`, `csp national load` and `csp national rank` themselves
    on ``spark://local[2]`` for the North East's three forces (every authority they
    cover), against the same commands on DuckDB: wall and CPU time of each (the command
    processes and their JVMs included) and whether the national tables are identical."""
    import subprocess
    import sys

    import pandas as pd

    from cspkit.synth.national import month_range

    first = str(pd.Period("2025-12", freq="M") - (months - 1))
    work = Path(tempfile.mkdtemp(prefix="csp-spark-bench-"))
    archive = work / "archive"
    wrote = _in_child(_write_forces, str(archive), month_range(first, "2025-12"), scale)
    reference = _filtered_reference(work / "reference", wrote["lads"])
    print(f"Spark sample: {wrote['rows']:,} rows, {len(wrote['lads'])} authorities, "
          f"{months} months, scale {scale}")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    # The JVM a command starts outlives it by a moment and would be reparented to init, its
    # CPU time lost: become the subreaper of every descendant and reap them after each step.
    import ctypes

    ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER (Linux)
    helpers = _children()  # multiprocessing's resource tracker: lives as long as we do
    tables = {}
    for engine, warehouse in (
            ("DuckDB", str(work / "w.duckdb")),
            ("Spark local[2]", f"spark://local[2]?warehouse={work / 'spark'}"
             "&conf.spark.sql.shuffle.partitions=4&conf.spark.ui.enabled=false")):
        steps = (("csp load", ["load", *map(str, reference)]),
                 ("csp national load", ["national", "load", str(archive)]),
                 ("csp national rank", ["national", "rank", "--period-end", "2025-12",
                                        "--months", "6", "--formats", "csv",
                                        "--no-comparators", "--out",
                                        str(work / engine.split()[0])]))
        for label, args in steps:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "cspkit.cli", *args, "--warehouse",
                            warehouse], env=env, check=True, capture_output=True)
            for pid in _children() - helpers:  # the command's JVM, when it has one
                os.waitpid(pid, 0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            print(f"  {engine}: {label} {time.perf_counter() - started:.1f} s wall, "
                  f"{cpu:.1f} s CPU (the command and its JVM)")
        tables[engine] = (work / engine.split()[0] / "national" / "data" /
                          "national_table.csv").read_bytes()
    print(f"  national tables identical on DuckDB and Spark: "
          f"{len(set(tables.values())) == 1}; load average {os.getloadavg()[0]:.1f}")


def _children() -> set[int]:
    """This process's children (Linux /proc)."""
    return {int(pid) for task in Path("/proc/self/task").iterdir()
            for pid in (task / "children").read_text().split()}


def _write_forces(queue, out: str, months: tuple[str, ...], scale: float) -> None:
    from cspkit.synth.national import write_national_archive

    archive = write_national_archive(out, shared=SHARED, months=months, scale=scale,
                                     forces=["cleveland", "durham", "northumbria"])
    queue.put({"rows": archive.rows, "lads": NORTH_EAST})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, help="an archive already written")
    parser.add_argument("--months", type=int, default=36, help="months ending 2025-12")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count")
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark sample")
    parser.add_argument("--batch-sample", type=int, default=8,
                        help="partnerships in the csp assess --all timing (0: none)")
    parser.add_argument("--batch-formats", default="html,csv",
                        help="formats of the batch timing; also timed with all formats")
    parser.add_argument("--batch-warehouse", type=Path,
                        help="only time csp assess --all, on this warehouse")
    parser.add_argument("--spark-commands", action="store_true",
                        help="only the Spark figure: the csp commands on local Spark")
    args = parser.parse_args()
    if args.spark_commands:
        spark_commands()
        return
    if args.batch_warehouse:
        _print_batch(str(args.batch_warehouse), args.batch_sample, args.batch_formats)
        return
    import pandas as pd

    from cspkit.synth.national import month_range
    first = str(pd.Period("2025-12", freq="M") - (args.months - 1))
    months = month_range(first, "2025-12")
    work = Path(tempfile.mkdtemp(prefix="csp-national-"))
    archive = args.archive
    if archive is None:
        archive = work / "archive"
        wrote = _in_child(_write, str(archive), months, args.scale)
        print(f"archive: {wrote['rows']:,} rows in {wrote['files']:,} files, "
              f"{months[0]}..{months[-1]}, written in {wrote['seconds']:.1f} s")
    warehouse = str(work / "national.duckdb")
    loaded = _in_child(_load, str(archive), warehouse)
    print(f"load: {loaded['rows']:,} rows, {loaded['months']} months in "
          f"{loaded['seconds']:.1f} s (target < 120 s; CPU {loaded['cpu']:.1f} s, every "
          f"thread); peak memory {loaded['peak_mb'] / 1024:.2f} GB (target < 4 GB); "
          f"reference data {loaded['reference']:.1f} s before it; load average "
          f"{loaded['load_average'][0]:.1f} before, {loaded['load_average'][1]:.1f} after")
    ranked = _in_child(_national, warehouse)
    print(f"csp national (DuckDB): {ranked['partnerships']} partnerships "
          f"({ranked['grouped']} with a most similar group) in {ranked['seconds']:.1f} s "
          f"(target < 20 s); peak memory {ranked['peak_mb'] / 1024:.2f} GB")
    if not args.no_spark:
        spark = _in_child(_spark, warehouse)
        print(f"csp national (local Spark, North East sample): {spark['partnerships']} "
              f"partnerships in {spark['seconds']:.1f} s; identical to DuckDB: "
              f"{spark['identical']}")
    _print_batch(warehouse, args.batch_sample, args.batch_formats)
    print(f"os.cpu_count() = {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
