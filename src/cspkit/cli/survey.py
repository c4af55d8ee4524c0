"""``csp survey``: weight and analyse a residents' survey, and write its report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cspkit.cli.options import WarehouseOption
from cspkit.defaults import DEFAULT_WAREHOUSE


def survey_command(
    export: Annotated[Path, typer.Argument(help="The survey export (.csv or .xlsx).")],
    mapping: Annotated[Path, typer.Option(help="The export's mapping (TOML).")],
    config: Annotated[Path, typer.Option(
        "--config", "-c", help="Partnership configuration (TOML): its areas, suppression "
        "threshold and formats.")] = Path("csp.toml"),
    out: Annotated[Path, typer.Option(help="Folder for the report.")] = Path("survey"),
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    previous: Annotated[Path | None, typer.Option(
        help="The previous survey's export, for changes.")] = None,
    previous_mapping: Annotated[Path | None, typer.Option(
        help="The previous survey's mapping (default: --mapping).")] = None,
    coding: Annotated[Path | None, typer.Option(
        help="The analyst's coding frame of the open answers (CSV).")] = None,
    cap: Annotated[float, typer.Option(
        help="Trim weights at this multiple of the mean weight (0: no trimming).")] = 5.0,
) -> None:
    """Weight a residents' survey to the population and write its report.

    Reads the export through its mapping (question ids, answer codes, the respondent's ward
    or postcode, sex, age band, disability, ethnicity); rakes the answers to the population
    by age band × sex and by ward (the population estimates by sex and single year of age in
    the warehouse), trimming large weights; estimates every reported answer's share with a
    95% confidence interval, overall and by ward, sex, age band, disability and ethnic
    group, with a test that the groups differ, and the change since the previous survey;
    counts the analyst's themes of the open answers. Writes the report in the configured
    formats with its tables as data/survey_*.csv (survey_concern.csv: the share of residents
    naming each issue as a concern). Unknown answer codes, respondents outside the
    partnership and blank columns are counted and reported; a column the mapping names that
    the export lacks is an error and nothing is written.
    """
    from cspkit.assessment.config import load_config
    from cspkit.survey.report import write_survey_report
    from cspkit.survey.run import analyse_export, survey_scope
    from cspkit.warehouse import connect

    settings = load_config(config)
    con = connect(warehouse, create=False)
    earlier = (previous, previous_mapping or mapping) if previous is not None else None
    try:
        analysis = analyse_export(con, export, mapping, scope=survey_scope(con, settings),
                                  threshold=settings.suppression_threshold, cap=cap,
                                  previous=earlier, coding=coding)
    finally:
        con.disconnect()
    written = write_survey_report(analysis, out, partnership=settings.name,
                                  formats=list(settings.formats))
    for line in analysis.notices:
        typer.echo(line)
    weights = analysis.weights
    typer.echo(f"Weighted to the population: design effect {weights.design_effect:.2f}, "
               f"effective sample size {weights.effective_sample_size:,.0f}, "
               f"{weights.trimmed:,} weight(s) trimmed at {weights.cap:g} × the mean")
    for path in written:
        typer.echo(f"  {path}")


def register(app: typer.Typer) -> None:
    """Add the ``survey`` command to ``app``."""
    app.command(name="survey")(survey_command)
