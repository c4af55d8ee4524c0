"""The fictional borough (loaded once per session, shared with the assessment tests)."""

from tests.assessment.conftest import borough  # noqa: F401  (a session fixture)
