"""Cases (a corpus standard, a seed and its parameters) rendered to PDF, cached by their inputs.

A rendered PDF is kept under ``.cache/layouts/`` (git-ignored), named by a digest of everything
it is made from: the corpus file's bytes, the parameters, the content seed and the generator's
own source files. Re-running the same cases renders nothing; changing the generator renders
again. LibreOffice converts a whole batch per start; Chromium prints one document per start.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.layouts import docx_engine, html_engine
from tests.layouts.content import printed_standard
from tests.layouts.document import Document, build_document
from tests.layouts.params import LayoutParams
from tests.render.corpus import CORPUS_DIR, load_standard
from tests.render.model import Standard

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache" / "layouts"
BATCH = 20  # documents per LibreOffice start
_GENERATOR = ("forms.py", "params.py", "content.py", "document.py", "geometry.py",
              "docx_engine.py", "html_engine.py")


@dataclass(frozen=True)
class Case:
    name: str  # e.g. 0007-鍋爐操作技術士-職能基準
    source: str  # corpus file stem
    seed: str  # content seed (which items a content variant touches)
    params: LayoutParams

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "source": self.source, "seed": self.seed,
                "params": self.params.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Case:
        return cls(str(data["name"]), str(data["source"]), str(data["seed"]),
                   LayoutParams.from_json(data["params"]))  # type: ignore[arg-type]


def corpus_path(source: str, corpus_dir: Path | None = None) -> Path:
    return (corpus_dir or CORPUS_DIR) / f"{source}.json"


def build(case: Case, corpus_dir: Path | None = None) -> tuple[Standard, Document]:
    """The printed standard and the engine-neutral document of a case (pure but for reading
    the corpus file)."""
    std = printed_standard(load_standard(corpus_path(case.source, corpus_dir)), case.params,
                           case.seed)
    return std, build_document(std, case.params)


def _generator_digest() -> bytes:
    """The code that decides what is printed: the generator's, and the corpus repairs that
    make each printed standard (tests/render/corpus.py, model.py)."""
    here = Path(__file__).parent
    return b"".join((here / name).read_bytes() for name in _GENERATOR) + b"".join(
        (here.parent / "render" / name).read_bytes() for name in ("corpus.py", "model.py"))


def cache_path(case: Case, cache: Path = CACHE) -> Path:
    data = json.dumps({"seed": case.seed, "params": case.params.to_json()}, sort_keys=True,
                      ensure_ascii=False).encode("utf-8")
    digest = hashlib.sha256(data + corpus_path(case.source).read_bytes()
                            + _generator_digest()).hexdigest()[:20]
    return cache / f"{digest}.pdf"


def _render_html(item: tuple[Case, str]) -> str | None:
    case, target = item
    try:
        _std, doc = build(case)
        html_engine.print_pdf(html_engine.build_html(doc, case.params), Path(target))
    except (html_engine.RenderError, OSError) as exc:
        return f"{case.name}: {exc}"
    return None


def _render_docx_batch(items: list[tuple[Case, str]]) -> list[str]:
    failures = []
    with tempfile.TemporaryDirectory(prefix="layouts_docx_") as tmp:
        sources = []
        for case, target in items:
            _std, doc = build(case)
            path = Path(tmp) / f"{Path(target).stem}.docx"
            docx_engine.build_docx(doc, case.params).save(str(path))
            sources.append(path)
        out = Path(tmp) / "out"
        try:
            docx_engine.convert(sources, out)
        except docx_engine.RenderError as exc:
            failures.append(str(exc))
        for _case, target in items:
            produced = out / f"{Path(target).stem}.pdf"
            if produced.exists():
                Path(target).parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(produced), target)
    return failures


def render_all(cases: list[Case], cache: Path = CACHE, jobs: int = 2) -> dict[str, Path]:
    """Render every case not yet cached (two processes); case name → PDF path."""
    paths = {case.name: cache_path(case, cache) for case in cases}
    todo = [(c, str(paths[c.name])) for c in cases if not paths[c.name].exists()]
    docx = [item for item in todo if item[0].params.engine == "docx-libreoffice"]
    html = [item for item in todo if item[0].params.engine == "html-chromium"]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # LibreOffice: batches of BATCH documents per start, each with its own profile.
        batches = [docx[i:i + BATCH] for i in range(0, len(docx), BATCH)]
        futures = [pool.submit(_render_docx_batch, batch) for batch in batches]
        html_failures = [f for f in pool.map(_render_html, html) if f]
        docx_failures = [f for future in futures for f in future.result()]
    for failure in (*html_failures, *docx_failures):
        print(f"render failed: {failure}")
    return paths
