"""The demo's assessment step: a configuration for the fictional borough, then every format."""

from __future__ import annotations

from pathlib import Path

from cspkit.analysis.periods import StrategicPeriod
from cspkit.assessment.config import write_default_config
from cspkit.assessment.run import assess

# The demo partnership's targets, so the assessment shows targets both met and missed.
DEMO_TARGETS = """
[[targets]]
crime_type = "Burglary"
direction = "reduce"
percent = 5

[[targets]]
crime_type = "Shoplifting"
direction = "reduce"
percent = 5

[[targets]]
theme = "violence"
direction = "reduce"
percent = 3
"""


def build_demo_assessment(out: Path, *, area_code: str, area_name: str, last_month: str,
                          warehouse: Path) -> list[Path]:
    """Write ``<out>/csp.toml`` (``csp init``'s default, for the last 12 months loaded, with
    three targets) and build the assessment into ``<out>/assessment/``; returns the paths
    written."""
    period = StrategicPeriod.ending(last_month, 12)
    config = write_default_config(
        out / "csp.toml", name=f"{area_name} Community Safety Partnership", areas=[area_code],
        period=f"{period.start}:{period.end}", compare="previous", force=True)
    with config.open("a", encoding="utf-8") as toml:
        toml.write(DEMO_TARGETS)
    run = assess(config, warehouse=warehouse, out_dir=out / "assessment")
    return [config, *run.written.values()]
