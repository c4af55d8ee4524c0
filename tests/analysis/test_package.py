"""`cspkit.analysis` re-exports every analysis's public names, importing each module only when
one of its names is asked for. Checked in a fresh interpreter: this session has long imported
every analysis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

PROBE = """
import importlib, inspect, sys
import cspkit.analysis as analysis

heavy = sorted({m.split(".")[0] for m in sys.modules} & {"scipy", "esda", "libpysal", "sklearn"})
assert heavy == [], f"import cspkit.analysis loaded {heavy}"
assert not [m for m in sys.modules if m.startswith("cspkit.analysis.")], "a submodule loaded"

# A submodule imported first still leaves the package's name of the same name the function.
import cspkit.analysis.hotspots
import cspkit.analysis.scan
from cspkit.analysis import concentration, hotspots, scan
assert all(inspect.isfunction(f) for f in (concentration, hotspots, scan))
assert analysis.hotspots is sys.modules["cspkit.analysis.hotspots"].hotspots

for name in analysis.__all__:  # each name is its module's own object
    value = getattr(analysis, name)
    if inspect.isfunction(value) or inspect.isclass(value):
        assert getattr(importlib.import_module(value.__module__), name) is value, name
assert set(analysis.__all__) <= set(dir(analysis))
try:
    analysis.no_such_analysis
except AttributeError as error:
    assert "no_such_analysis" in str(error)
else:
    raise AssertionError("an unknown name resolved")
print("ok")
"""


def test_the_package_loads_an_analysis_only_when_asked_and_keeps_its_names():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]))
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
