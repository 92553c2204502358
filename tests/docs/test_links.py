"""The project's docs stand alone: every link in README.md and docs/ leads to a file (and heading) of
this repository, or to a third-party's documentation on an allowed list — never outside the checkout."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "bench").glob("*.md")])
# Other projects' documentation a page may cite. Anything else absolute must be this machine's
# server (the quickstart's http://127.0.0.1:8000/…).
THIRD_PARTY_DOCS = {"www.standardwebhooks.com"}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Documents that are not in the repository, which a reader of it cannot follow.
OUTSIDE = re.compile(r"\.\./shared|/work/|CONTRACT §|seeds/")

FENCED = re.compile(r"^```.*?^```", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
AUTOLINK = re.compile(r"<(https?://[^>]+)>")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def _prose(text: str) -> str:
    return INLINE_CODE.sub("", FENCED.sub("", text))


def _anchors(page: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, repeats numbered."""
    seen: dict[str, int] = {}
    anchors = set()
    for heading in HEADING.findall(FENCED.sub("", page.read_text())):
        slug = re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower()).replace(" ", "-")
        anchors.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


def _links(page: Path) -> list[str]:
    prose = _prose(page.read_text())
    return LINK.findall(prose) + AUTOLINK.findall(prose)


def _problem(page: Path, target: str) -> str | None:
    parts = urlsplit(target)
    if parts.scheme in ("http", "https"):
        if parts.hostname in LOCAL_HOSTS or parts.hostname in THIRD_PARTY_DOCS:
            return None
        return "an external link that is not an allowed third-party doc"
    if parts.scheme == "mailto":
        return None
    if parts.scheme:
        return f"a {parts.scheme}: link"
    linked = (page.parent / parts.path).resolve() if parts.path else page
    if ROOT not in (linked, *linked.parents):
        return "a link outside the repository"
    if not linked.exists():
        return "a link to nothing"
    if parts.fragment and linked.suffix == ".md" and parts.fragment not in _anchors(linked):
        return f"no heading #{parts.fragment} in {linked.relative_to(ROOT)}"
    return None


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_resolves_inside_the_repository(page):
    broken = [f"{target}: {problem}" for target in _links(page) if (problem := _problem(page, target))]
    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_refers_to_documents_outside_the_repository(page):
    lines = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(page.read_text().splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert lines == []


def test_the_checker_sees_broken_links(tmp_path, monkeypatch):
    # A checker that passes everything would pass this suite too: show it failing.
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "page.md"
    page.write_text("# A page\n## Second heading\n")
    assert _problem(page, "missing.md") == "a link to nothing"
    assert _problem(page, "../../shared/CONTRACT.md") == "a link outside the repository"
    assert _problem(page, "page.md#nope") == "no heading #nope in docs/page.md"
    assert _problem(page, "page.md#second-heading") is None
    assert _problem(page, "#a-page") is None
    assert _problem(page, "https://example.com/x") == "an external link that is not an allowed third-party doc"
    assert _problem(page, "http://127.0.0.1:8000/dashboard/") is None
    assert "[x](missing.md)" not in _prose("`[x](missing.md)`")
