"""Fixtures for the renderer tests: the hand-made sample assessment."""

from __future__ import annotations

import pytest
from render_sample import sample_document

from cspkit.assessment.document import Document


@pytest.fixture(scope="session")
def document() -> Document:
    return sample_document()
