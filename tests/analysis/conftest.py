"""Published-data frames shared by the analysis tests (built once per session)."""

from pathlib import Path

import pandas as pd
import pytest

from clemgrid.analysis.characteristics import join_characteristics
from clemgrid.analysis.published import published_matrix
from clemgrid.scoring import clemscores

ROOT = Path(__file__).resolve().parents[2]
SCORES_CSV = ROOT / "resources" / "clembench_v1.6" / "clembench_model_scores.csv"
CHARACTERISTICS_CSV = ROOT / "resources" / "clembench_v1.6" / "model_characteristics.csv"
MAPPING_CSV = ROOT / "resources" / "mapping" / "model_names.csv"


@pytest.fixture(scope="session")
def scores_csv() -> Path:
    return SCORES_CSV


@pytest.fixture(scope="session")
def characteristics_csv() -> Path:
    return CHARACTERISTICS_CSV


@pytest.fixture(scope="session")
def mapping_csv() -> Path:
    return MAPPING_CSV


@pytest.fixture(scope="session")
def matrix() -> pd.DataFrame:
    return published_matrix(SCORES_CSV)


@pytest.fixture(scope="session")
def scores(matrix: pd.DataFrame) -> pd.DataFrame:
    return clemscores(matrix)


@pytest.fixture(scope="session")
def joined_dropped(scores: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return join_characteristics(scores, CHARACTERISTICS_CSV, MAPPING_CSV)


@pytest.fixture(scope="session")
def joined(joined_dropped: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return joined_dropped[0]
