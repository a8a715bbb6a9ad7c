"""Every table writer keeps its output byte for byte (see ``table_outputs``)."""

import pytest
from table_outputs import GOLDEN, render_all


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render_all()


def test_every_golden_file_is_rendered(rendered):
    assert sorted(rendered) == sorted(p.name for p in GOLDEN.iterdir())


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.iterdir()))
def test_output_is_byte_identical(rendered, name):
    assert rendered[name].encode("utf-8") == (GOLDEN / name).read_bytes()
