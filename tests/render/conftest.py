"""Fixtures for the renderer tests: the hand-made sample assessment."""

from __future__ import annotations

import pytest

from cspkit.assessment.document import Document
from tests.render.render_sample import sample_document


@pytest.fixture(scope="session")
def document() -> Document:
    return sample_document()
