"""Job logs: an infrastructure failure ends a job with its message, any other error with its
traceback."""

from __future__ import annotations

import pytest

from clemgrid.backends.base import InfraError
from clemgrid.workflow_io import job_log


def test_infra_error_ends_the_job_without_traceback(tmp_path) -> None:
    log = tmp_path / "play.log"
    with pytest.raises(SystemExit) as info:
        with job_log(log):
            raise InfraError("backend 'x', model 'm' at http://h/v1/: no choices in the answer")
    assert (
        str(info.value)
        == "InfraError: backend 'x', model 'm' at http://h/v1/: no choices in the answer"
    )
    assert info.value.__cause__ is None and info.value.__suppress_context__
    text = log.read_text()
    assert "infrastructure failure" in text and "no choices" in text
    assert "Traceback" not in text


def test_other_errors_keep_their_traceback(tmp_path) -> None:
    log = tmp_path / "play.log"
    with pytest.raises(KeyError):
        with job_log(log):
            raise KeyError("bug")
    assert "Traceback" in log.read_text()
