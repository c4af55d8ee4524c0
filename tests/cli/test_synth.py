from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cspkit.cli import app


def test_csp_synth_writes_the_borough_and_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", str(tmp_path), "--first-month", "2025-11",
                                      "--last-month", "2025-12"])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "police-uk" / "2025-12" / "2025-12-kestrel-fenmoor-street.csv").exists()
    assert "Wrote 13 files for Kestrel Vale" in result.stdout


def test_csp_synth_rejects_a_malformed_month_on_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", str(tmp_path), "--first-month", "2025-13"])

    assert result.exit_code == 1
    assert result.stderr.strip() == ("error: period start '2025-13' is not a month. Write "
                                     "months as YYYY-MM, e.g. 2025-01")
