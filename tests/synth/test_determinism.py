from __future__ import annotations

from pathlib import Path

from cspkit.synth import BoroughManifest, generate_borough
from tests.synth.readback import all_files


def test_same_seed_writes_byte_identical_files(borough: BoroughManifest, tmp_path: Path) -> None:
    again = generate_borough(tmp_path / "again", seed=borough.seed)

    assert again.files == borough.files
    assert all_files(tmp_path / "again") == all_files(borough.out_dir)
    assert again.planted == borough.planted


def test_another_seed_draws_another_borough(tmp_path: Path) -> None:
    one = generate_borough(tmp_path / "one", seed=1, first_month="2025-12")
    two = generate_borough(tmp_path / "two", seed=2, first_month="2025-12")

    assert one.files == two.files
    street = "police-uk/2025-12/2025-12-kestrel-fenmoor-street.csv"
    assert (tmp_path / "one" / street).read_bytes() != (tmp_path / "two" / street).read_bytes()


def test_manifest_lists_exactly_the_files_on_disk(borough: BoroughManifest) -> None:
    on_disk = {Path(p) for p in all_files(borough.out_dir)}

    assert set(borough.files) == on_disk
    assert len(borough.files) == 7 + 3 * len(borough.months)
