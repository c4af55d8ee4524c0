from cspkit.analysis import StrategicPeriod, run_all

from .conftest import LAD, NORTH
from .test_deprivation import load_imd
from .test_vulnerability import load_vli_inputs


def test_run_all_bundles_every_analysis_with_one_set_of_parameters(tiny):
    load_imd(tiny)
    load_vli_inputs(tiny)
    period = StrategicPeriod("2025-01", "2025-02")
    result = run_all(tiny, areas=LAD, period=period, recent_months=1, top_n=2,
                     themes={"Acquisitive": ["Burglary", "Shoplifting"]}, permutations=99)
    assert result.comparison == StrategicPeriod("2024-11", "2024-12")
    assert result.change.total_current == result.wards.total == result.concentration.total == 50
    assert result.recent_change.citation.period == StrategicPeriod("2025-02", "2025-02")
    assert result.trends.table["month"].min() == "2024-11"
    assert result.wards.table["code"].iloc[0] == NORTH
    assert result.outcomes.summary["crimes"].iloc[0] == 50
    assert result.peers is not None and result.peers.partnership == LAD
    assert len(result.vulnerability.table) == len(result.hotspots.table) == 5


def test_run_all_skips_peers_for_wards(tiny):
    load_imd(tiny)
    load_vli_inputs(tiny)
    result = run_all(tiny, areas=[NORTH], period=StrategicPeriod("2025-01", "2025-02"),
                     recent_months=2, permutations=99)
    assert result.peers is None
    assert result.change.total_current == 36
