"""The generated site on fixture transcripts: its pages, links, content and determinism."""

from __future__ import annotations

from pathlib import Path

import pytest
from viewer_fixtures import (
    ABORT_REASON,
    DESCRIBER,
    HOSTILE,
    MARKUP_CLUE,
    A,
    B,
    Page,
    build_results,
)

from clemgrid.viewer.cli import discover, main
from clemgrid.viewer.paths import slug
from clemgrid.viewer.site import render_site

EPISODE = "runs/{}/{}/{}/taboo/high_en--{}.html"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_results(tmp_path_factory.mktemp("viewer"))


@pytest.fixture(scope="module")
def site(results: Path) -> Path:
    transcripts, scores, matrix = discover(results)
    out = results / "transcripts_html"
    render_site(transcripts, scores, out, matrix, results / "analysis" / "figures")
    return out


def page(site: Path, path: str) -> Page:
    return Page((site / path).read_text(encoding="utf-8"))


def test_pages_of_the_site(results: Path, tmp_path: Path) -> None:
    transcripts, scores, matrix = discover(results)
    written = render_site(transcripts, scores, tmp_path, matrix)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == sorted(
        [
            "index.html",
            "summary.html",
            "compare/taboo/index.html",
            "compare/taboo/high_en--0.html",
            "compare/taboo/high_en--1.html",
            *(f"runs/{'/'.join(c)}/taboo/index.html" for c in (A, B)),
            *(EPISODE.format(*c, i) for c in (A, B) for i in (0, 1)),
        ]
    )
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == sorted(written)


def test_links_are_relative_and_resolve(site: Path) -> None:
    """Offline from file://: no remote or absolute URL, every link lands on a written page."""
    for path in site.rglob("*.html"):
        for link in Page(path.read_text(encoding="utf-8")).links():
            if link.startswith("data:image/png;base64,"):
                continue
            assert ":" not in link and not link.startswith(("/", "//")), (path, link)
            assert (path.parent / link).resolve().is_file(), (path, link)


def test_index_shows_each_config_and_game(site: Path) -> None:
    text = page(site, "index.html").text
    assert "%played 100.00 · quality 50.00" in text  # A: won and lost
    assert "%played 50.00 · quality 50.00" in text  # B: won at the 2nd try, aborted
    assert "1 aborted, 1 success" in text
    assert "llama_cpp" in text and "transformers" in text


def test_aborted_episode_page(site: Path) -> None:
    html = (site / EPISODE.format(*B, 1)).read_text(encoding="utf-8")
    text = Page(html).text
    assert '<div class="banner aborted">⚠ Episode aborted' in html
    assert ABORT_REASON in text
    assert '<div class="msg p0 left invalid">' in html
    assert f"✗ invalid move: {ABORT_REASON}" in text
    assert "— episode ended: aborted" in text
    assert "messages sent (the server rendered the prompt)" in text  # B has no rendered prompt


def test_episode_page_bubbles_prompt_and_scores(site: Path) -> None:
    html = (site / EPISODE.format(*A, 0)).read_text(encoding="utf-8")
    text = Page(html).text
    assert "outcome success" in " ".join(text.split())
    assert "Request Count 2" in " ".join(text.split())
    assert '<div class="msg p0 left">' in html and '<div class="msg p1 right">' in html
    instructions, secret = DESCRIBER.rsplit("\n\n", 1)  # the rules fold, the word stays shown
    assert '<details class="fold"><summary>' in html and instructions.splitlines()[0] in text
    assert f'<div class="text">{secret}</div>' in html
    assert '<details class="req">' in html and "rendered prompt" in text
    assert "<|user|>" not in html and "&lt;|user|&gt;" in html  # the rendered prompt, escaped
    lost = page(site, EPISODE.format(*A, 1)).text
    assert "✗ invalid move: taboo word: kid" in lost and "Episode lost" in lost


def test_side_by_side_lists_both_configs(site: Path) -> None:
    compare = page(site, "compare/taboo/high_en--1.html")
    headers = [a.get("href") for tag, a in compare.elements if tag == "a"]
    assert "../../" + EPISODE.format(*A, 1) in headers
    assert "../../" + EPISODE.format(*B, 1) in headers
    assert "tinyllm / llama_cpp / Q4_1" in compare.text
    assert "tinyllm / transformers / Q4_1" in compare.text
    assert "aborted" in compare.text and "lost" in compare.text
    grid = page(site, "compare/taboo/index.html").text
    assert grid.count("compare") >= 2


def test_summary_matrix_and_figures(site: Path) -> None:
    html = (site / "summary.html").read_text(encoding="utf-8")
    text = Page(html).text
    assert "clembench-v1.6" in text  # rows only the matrix file has are shown too
    assert "background:hsl(120,70%,84%)" in html  # 100 %played: green
    assert "background:hsl(60,70%,84%)" in html  # 50 quality: yellow
    assert '<img src="data:image/png;base64,' in html and "clemscore_by_size.png" in text


def test_summary_without_matrix_or_figures(results: Path, tmp_path: Path) -> None:
    transcripts, scores, _ = discover(results)
    render_site(transcripts, scores, tmp_path)
    text = page(tmp_path, "summary.html").text
    assert "llama_cpp" in text and "clembench-v1.6" not in text
    assert "No figures directory was given." in text


def test_summary_shows_only_the_given_figures(results: Path, tmp_path: Path) -> None:
    """The workflow names the PNGs it declares: a stray file in the folder changes nothing."""
    transcripts, scores, matrix = discover(results)
    folder = tmp_path / "figures"
    folder.mkdir()
    declared = results / "analysis" / "figures" / "clemscore_by_size.png"
    (folder / declared.name).write_bytes(declared.read_bytes())
    (folder / "stray.png").write_bytes(declared.read_bytes())
    render_site(transcripts, scores, tmp_path / "site", matrix, folder, [folder / declared.name])
    text = page(tmp_path / "site", "summary.html").text
    assert "clemscore_by_size.png" in text and "stray.png" not in text


def test_same_input_same_bytes(results: Path, tmp_path: Path) -> None:
    transcripts, scores, matrix = discover(results)
    first = render_site(transcripts, scores, tmp_path / "1", matrix)
    second = render_site(transcripts, scores, tmp_path / "2", matrix)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_hostile_model_output_is_text(site: Path) -> None:
    """Markup from a model shows as text everywhere; no page has a script or handler."""
    for path in site.rglob("*.html"):
        parsed = Page(path.read_text(encoding="utf-8"))
        assert not [t for t, _ in parsed.elements if t in ("script", "iframe", "object")], path
        assert not [a for _, a in parsed.elements if any(k.startswith("on") for k in a)], path
        assert all(a["src"].startswith("data:") for t, a in parsed.elements if t == "img"), path
    aborted = page(site, EPISODE.format(*B, 1)).text
    assert HOSTILE in aborted
    passed_on = page(site, EPISODE.format(*B, 0))
    assert MARKUP_CLUE in passed_on.text  # in a response, a game-master message and the prompt
    assert "<b>not bold</b>" not in (site / EPISODE.format(*B, 0)).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("high_en", "high_en"), ("../../etc/passwd", None), ("a b", None), ("", None)],
)
def test_slug_stays_in_its_folder(name: str, expected: str | None) -> None:
    made = slug(name)
    if expected:
        assert made == expected
    else:
        assert made and "/" not in made and not made.startswith(".") and slug(name) == made


def test_slug_keeps_distinct_names_apart() -> None:
    assert slug("a b") != slug("a_b") != slug("a/b")


def test_cli(results: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--results", str(results), "--out", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "index.html").is_file()
    assert "clemscore_by_size.png" in page(tmp_path / "site", "summary.html").text
    assert "open " in capsys.readouterr().out
    assert main(["--results", str(tmp_path / "nothing")]) == 2
    assert "no transcripts or scores" in capsys.readouterr().err
