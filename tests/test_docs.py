"""The README and docs/ link nothing outside the repository, and every link they make resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted([BASE_DIR / "README.md", *(BASE_DIR / "docs").rglob("*.md")])
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# A path that climbs out of the folder it is written in (`../shared/ARCHITECTURE.md`).
CLIMBING = re.compile(r"(?<![\w.])\.\./[\w./-]+")


def _name(path: Path) -> str:
    return str(path.relative_to(BASE_DIR))


@pytest.mark.parametrize("document", DOCUMENTS, ids=_name)
def test_every_link_resolves_to_a_file_of_the_repository(document):
    text = document.read_text(encoding="utf-8")
    wrong = []
    for target in LINK.findall(text):
        if target.startswith("#"):
            continue
        if re.match(r"[a-z]+:", target):
            # only the local portal may be linked (http://127.0.0.1:8000, http://localhost:8025)
            if not re.match(r"https?://(127\.0\.0\.1|localhost)[:/]", target):
                wrong.append(f"{target} (outside the repository)")
            continue
        path = (document.parent / target.split("#")[0]).resolve()
        if not path.is_relative_to(BASE_DIR) or not path.exists():
            wrong.append(target)
    assert not wrong, f"{_name(document)} links outside the repository or to nothing: {wrong}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=_name)
def test_no_path_climbs_out_of_the_repository(document):
    text = document.read_text(encoding="utf-8")
    outside = [
        match
        for match in CLIMBING.findall(text)
        if not (document.parent / match).resolve().is_relative_to(BASE_DIR)
        or not (document.parent / match).resolve().exists()
    ]
    assert "../shared" not in text
    assert not outside, f"{_name(document)} names paths outside the repository: {outside}"


def test_the_readme_keeps_its_two_commands_at_the_top_and_links_the_docs():
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    top = readme[: readme.index("\n\n", readme.index("```sh"))]
    assert "make run" in top and "make test" in top
    for name in ("architecture", "running", "testing", "deploying", "benchmarks"):
        assert f"(docs/{name}.md)" in readme
