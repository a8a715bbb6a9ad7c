"""A real headless Chromium opens the site from disk: no console errors, hostile text inert.

Console messages reach stderr through Chromium's logging (`--enable-logging=stderr`) as
`...:CONSOLE:...` lines; the pages carry no scripts, so any console message is a failure
(an escaped script that ran, a blocked load, a CSP violation). A control page proves that
this detection sees errors at all.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from viewer_fixtures import HOSTILE, A, B, build_results

from clemgrid.viewer.cli import discover
from clemgrid.viewer.site import render_site

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install -y --no-install-recommends chromium)",
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--window-size=1280,900",
    "--dump-dom",
]


@dataclass
class Visit:
    console: list[str]  # console messages and uncaught errors
    dom: str  # the DOM after loading, serialised
    screenshot: Path


def visit(page: Path, tmp: Path) -> Visit:
    shot = tmp / f"{page.parent.name}-{page.stem}.png"
    profile = tmp / f"profile-{page.stem}"
    run = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stderr.splitlines()
    return Visit([x for x in lines if ":CONSOLE" in x or "Uncaught" in x], run.stdout, shot)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    results = build_results(tmp_path_factory.mktemp("browser"))
    transcripts, scores, matrix = discover(results)
    out = results / "transcripts_html"
    render_site(transcripts, scores, out, matrix, results / "analysis" / "figures")
    return out


def test_console_errors_are_seen(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><p>x</p><script>throw new Error('boom')</script>")
    assert any("Uncaught Error: boom" in line for line in visit(broken, tmp_path).console)


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "runs/{}/{}/{}/taboo/high_en--1.html".format(*B),
        "compare/taboo/high_en--1.html",
        "summary.html",
    ],
)
def test_page_opens_cleanly(site: Path, tmp_path: Path, path: str) -> None:
    seen = visit(site / path, tmp_path)
    assert seen.console == []
    with Image.open(seen.screenshot) as image:
        assert image.size == (1280, 900)
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 21)) > 50  # not a blank page


def test_hostile_response_stays_text_in_the_browser(site: Path, tmp_path: Path) -> None:
    dom = visit(site / "runs/{}/{}/{}/taboo/high_en--1.html".format(*B), tmp_path).dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in dom
    assert "<script" not in dom and "<img" not in dom and HOSTILE not in dom


def test_side_by_side_shows_both_configs(site: Path, tmp_path: Path) -> None:
    dom = visit(site / "compare/taboo/high_en--1.html", tmp_path).dom
    headers = " ".join(re.findall(r"<th class=\"c\d+\">(.*?)</th>", dom, re.S))
    assert " / ".join(A) in headers and " / ".join(B) in headers
