"""report.html: self-contained, escaped, right-to-left where it should be, and Chromium renders it.

The Chromium test renders the report of a real small run headless. Console errors are read from
Chromium's own log (``--enable-logging=stderr --v=0`` prints every console message and uncaught
exception as a ``:CONSOLE`` line); a control page with a deliberate error proves that this channel
works in the installed Chromium, so a silent log cannot pass for a clean page. Direction is read
from ``--dump-dom`` (the DOM after load), and ``--screenshot`` keeps a PNG for a person to look at.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fixtures.runs import run_articles

from summarize.publish.report import (
    REPORT,
    Reservoir,
    RunNotFinished,
    metric_tables,
    read_finished_run,
    render_report,
    scan_records,
    write_report,
)

SCRIPT = "<script>alert('pwned')</script>"
ARTICLES = [
    {
        "id": "fa-1",
        "lang": "fa",
        "title": "بودجه\u200cی مدارس",
        "text": "دولت می\u200cگوید بودجه مدارس افزایش می\u200cیابد. مجلس فردا رای می\u200cدهد. "
        "معلمان از این تصمیم استقبال کردند.",
    },
    {
        "id": "fr-1",
        "lang": "fr",
        "title": "Orages à Nîmes",
        "text": "Le préfet a annoncé des orages à Nîmes. Les écoles resteront fermées jeudi.",
    },
    {
        "id": "en-1",
        "lang": "en",
        "title": SCRIPT,
        "text": f"The council met on Monday. {SCRIPT} It approved a budget for schools.",
    },
    {"id": "empty-1", "lang": "en", "text": ""},
]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CONSOLE = re.compile(r":CONSOLE[(:]")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory, tiny_models: dict[str, Path]) -> Path:
    root = tmp_path_factory.mktemp("report")
    return run_articles(
        root,
        ARTICLES,
        "source.html=false",  # keep the <script> in the text: the report must escape it
        "summarizer=extractive",
        "+lang=[fa,fr]",
        "translator=custom",
        f"translator.name_or_path={tiny_models['nllb']}",
        "generation.translation.num_beams=1",
        "generation.translation.min_new_tokens=6",
        "generation.translation.max_new_tokens=6",
        "generation.translation.no_repeat_ngram_size=1",  # tiny models: no empty output
    )


@pytest.fixture(scope="module")
def report(run_dir: Path) -> Path:
    return write_report(run_dir)


class Elements(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.found


def test_report_is_self_contained_and_written_atomically(run_dir: Path, report: Path) -> None:
    assert report == run_dir / REPORT
    assert not [p.name for p in run_dir.iterdir() if p.name.startswith(f".{REPORT}")]
    html = report.read_text(encoding="utf-8")
    tags = elements(html)
    assert not [t for t, _ in tags if t in ("script", "link", "iframe")]
    images = [a["src"] or "" for t, a in tags if t == "img"]
    assert len(images) == 3  # input length, summary length, compression ratio
    for src in images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    assert "default-src 'none'" in html  # the CSP: nothing is fetched, nothing runs


def test_article_text_is_escaped(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in html


def test_needs_review_comes_first_with_the_failing_checks(report: Path) -> None:
    html = report.read_text("utf-8")
    assert html.index('id="needs-review"') < html.index("<h2>Counts</h2>")
    # extractive summaries are fully supported; the tiny translator's outputs fail checks
    assert re.search(r"\d+ of 3 records have a summary", html)
    assert '<span class="flag">' in html


def test_counts_errors_and_languages(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "empty_text" in html
    assert "empty-1" in html  # the first errors name their record
    for tag, attrs in elements(html):
        if attrs.get("lang") in ("fa", "fr"):
            assert attrs.get("dir") == {"fa": "rtl", "fr": "ltr"}[attrs["lang"] or ""], tag
    assert any(a.get("lang") == "fa" and a.get("dir") == "rtl" for _, a in elements(html))


def test_the_models_table_names_the_extractive_summariser(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    models = html.split("<h2>Models</h2>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>(summarizer|translator[^<]*)</td><td>(.*?)</td>", models)
    assert ("summarizer", "<code>extractive:lead_words</code>") in rows
    assert {role for role, _ in rows} == {"summarizer", "translator → fa", "translator → fr"}


def test_metrics_are_rendered_generically(run_dir: Path) -> None:
    run_ = read_finished_run(run_dir)
    extra = {
        "rouge": {
            "en": {"rouge1": {"score": 41.25, "ci95": [40.1, 42.3], "n": 3, "signature": "s"}}
        },
        "bleu": {"fa": {"mean": 0.3, "ci_low": 0.2, "ci_high": 0.4}},
        "baseline": {"en": {"rouge1": {"mean": 38.5, "ci_low": 37.0, "ci_high": 40.0}}},
    }
    metrics = {**run_.metrics, **extra}
    tables = {t.title: t for t in metric_tables(metrics, skip=("counts",))}
    assert tables["rouge / en"].columns == ["score", "ci95", "n", "signature"]
    assert tables["rouge / en"].rows == [("rouge1", ["41.25", "[40.1, 42.3]", "3", "s"])]
    assert tables["bleu"].rows == [("fa", ["0.3 [0.2, 0.4]"])]
    html = render_report(type(run_)(run_.path, run_.manifest, metrics), scan_records(run_.records))
    assert "Lead-k baseline" in html
    assert "38.5 [37, 40]" in html


def test_histogram_values_stay_bounded() -> None:
    sample = Reservoir(size=100)
    for value in range(10_000):
        sample.add(float(value))
    assert (len(sample.values), sample.seen) == (100, 10_000)
    assert max(sample.values) > 5_000  # later values get in: a sample, not the first 100


def test_unfinished_run_is_refused(tmp_path: Path) -> None:
    (tmp_path / "records.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(RunNotFinished, match="no manifest.json"):
        write_report(tmp_path)


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    flags = [
        "--headless",
        "--no-sandbox",  # tests often run as root in containers
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
    ]
    return subprocess.run(
        [CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=90, check=False
    )


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE.search(line) or "Uncaught" in line]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_report_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    control = tmp_path / "control.html"
    control.write_text("<!DOCTYPE html><p>x</p><script>missingFunction()</script>", "utf-8")
    checked = chromium("--dump-dom", control.as_uri(), profile=tmp_path / "profile-control")
    assert console_lines(checked.stderr), (
        "Chromium logged no console error for the control page, so a clean log would prove "
        f"nothing: {checked.stderr[-1500:]}"
    )

    loaded = chromium("--dump-dom", report.as_uri(), profile=tmp_path / "profile-dom")
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert console_lines(loaded.stderr) == []
    dom = elements(loaded.stdout)
    assert not [t for t, _ in dom if t == "script"]  # the article's <script> stayed text
    persian = [a for _, a in dom if a.get("lang") == "fa"]
    assert persian
    assert all(a.get("dir") == "rtl" for a in persian)

    screenshot = tmp_path / "report.png"
    shot = chromium(
        f"--screenshot={screenshot}",
        "--window-size=1280,2800",
        "--hide-scrollbars",
        report.as_uri(),
        profile=tmp_path / "profile-shot",
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert console_lines(shot.stderr) == []
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    artifacts = os.environ.get("SUMMARIZE_TEST_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(artifacts) / "report.png")
