"""A fictional borough, written as files in the real formats (police.uk, ONS, MHCLG).

``generate_borough(out_dir)`` writes Kestrel Vale — a made-up unitary authority of 120 LSOAs
and 20 wards — and the two other authorities of its made-up police force, so the demo and
the tests load them through the same loaders as real data. See docs/demo-borough.md.
"""

from cspkit.synth.borough import Area, BoroughManifest, generate_borough
from cspkit.synth.crime import PlantedTrend

__all__ = ["Area", "BoroughManifest", "PlantedTrend", "generate_borough"]
