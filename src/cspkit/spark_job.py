"""The ``csp`` command as a Spark application, for ``spark-submit``.

``spark-submit [options] $(python -m cspkit.spark_job --path) national rank ... --warehouse spark``
runs the command inside the job's own Spark session (see docs/national.md). The file sits at
the package's top level because ``spark-submit`` puts the script's folder first on the
module path, where ``cspkit/cli`` modules would shadow standard-library ones (``profile``).
"""

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    if sys.argv[1:] == ["--path"]:
        print(Path(__file__).resolve())
    else:
        sys.argv[0] = "csp"
        runpy.run_module("cspkit.cli", run_name="__main__", alter_sys=True)
