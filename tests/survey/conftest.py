import pytest

from .common import build_survey_dir


@pytest.fixture
def survey_dir(tmp_path):
    return build_survey_dir(tmp_path)
