"""Text colours meet WCAG 2.2 AA contrast (4.5:1) on every background they are used on."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from cspkit.render.charts import CHART_CONFIG
from cspkit.render.maps import sequential_palette

AA = 4.5


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _variables() -> dict[str, str]:
    css = (resources.files("cspkit.render") / "templates" / "assessment.css").read_text()
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))


TEXT = ("ink", "muted", "accent")
BACKGROUNDS = ("band", "head-bg", "note-bg", "gap-bg")


@pytest.mark.parametrize("text", TEXT)
@pytest.mark.parametrize("background", BACKGROUNDS)
def test_page_text_colours_are_legible_on_page_backgrounds(text: str, background: str):
    colours = _variables()
    assert contrast(colours[text], colours[background]) >= AA
    assert contrast(colours[text], "#ffffff") >= AA


def test_chart_text_is_legible_on_white():
    assert contrast(CHART_CONFIG["axis"]["labelColor"], CHART_CONFIG["background"]) >= AA


def test_map_labels_keep_contrast_on_their_white_halo():
    # Labels are dark text on a white halo, so they read on every class colour.
    assert contrast("#1b1b1b", "#ffffff") >= AA
    palette = sequential_palette(5)
    assert contrast(palette[0], palette[-1]) >= 3  # lightest and darkest classes differ
