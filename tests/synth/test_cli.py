from __future__ import annotations

from pathlib import Path

import pytest

from cspkit.synth.__main__ import main


def test_module_command_writes_the_borough_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([str(tmp_path), "--first-month", "2025-11", "--last-month", "2025-12"])

    assert code == 0
    assert (tmp_path / "police-uk" / "2025-12" / "2025-12-kestrel-fenmoor-street.csv").exists()
    assert "Wrote 13 files for Kestrel Vale" in capsys.readouterr().out


def test_module_command_rejects_a_malformed_month(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([str(tmp_path), "--first-month", "2025-13"])

    assert exit_info.value.code == 2
    assert "'2025-13' is not in YYYY-MM form" in capsys.readouterr().err
