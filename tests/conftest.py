from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def samples_dir() -> Path:
    return Path(settings.SAMPLES_DIR)


@pytest.fixture
def paa_file(samples_dir: Path) -> Path:
    return samples_dir / "003_f85b278706467e27.txt"


@pytest.fixture
def sipot_iv_file(samples_dir: Path) -> Path:
    return samples_dir / "000_19180f02e9762917.txt"


@pytest.fixture
def pgd_text_file(samples_dir: Path) -> Path:
    return samples_dir / "001_21bc9bdb581439c2.txt"


@pytest.fixture
def pgd_table_file(samples_dir: Path) -> Path:
    return samples_dir / "002_c34a5bd474591bee.txt"
