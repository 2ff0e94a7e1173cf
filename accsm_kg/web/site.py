"""The explorer as a static site: the same pages as plain files, linked relatively.

Each page of :mod:`accsm_kg.web.app` becomes a file: ``index.html``, ``meetings.html``,
``id/cambodia.html`` with ``id/cambodia.ttl``, ``.nt`` and ``.jsonld`` beside it, the Khmer
pages under ``km/``. Links are relative, so the folder reads from disk or from any address.
The same graph gives the same bytes; the folder is written beside its target and renamed into
place whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef

from ..errors import DumpError
from ..queries import named_queries
from ..release import PublishedFolder, recover_folder, write_folder
from .pages import LANGUAGES, PAGES, RDF_FORMATS, Language, Linker, Pages, paths

if TYPE_CHECKING:
    from ..knowledge_graph import KnowledgeGraph

__all__ = ["MARKER", "site_files", "write_site"]

#: A file every site holds: a folder with it may be replaced by a new site, one without may not.
MARKER = ".accsm-kg-site"
#: How a site replaces the folder of an earlier one, and what it raises.
_SITE = PublishedFolder("site", DumpError, "accsm-kg-site", "accsm-kg-site-replaced")


def _page_file(path: str, lang: Language) -> str:
    return ("km/" if lang == "km" else "") + (path or "index") + ".html"


def _render(pages: Pages, link: Linker, path: str, nodes: dict[str, URIRef]) -> str:
    if path in PAGES:
        return pages.page(link, path)
    if path.startswith("queries/") and path[len("queries/") :] in named_queries():
        return pages.query(link, named_queries()[path[len("queries/") :]], {})
    return pages.node(link, nodes[path])


def site_files(kg: KnowledgeGraph) -> Iterator[tuple[str, bytes]]:
    """Yield each file of the site of ``kg``: its path in the folder and its bytes.

    >>> from accsm_kg import load
    >>> files = dict(site_files(load(include_bundled=False)))
    >>> [name for name in ("index.html", "km/index.html", "queries/officials.csv") if name in files]
    ['index.html', 'km/index.html', 'queries/officials.csv']
    """
    pages = Pages(kg)
    yield MARKER, b"A static site of the ACCSM knowledge graph, written by accsm-kg site.\n"
    yield "static/style.css", pages.style()
    nodes = dict(pages.nodes())
    for lang in LANGUAGES:
        picture = pages.timeline(lang)
        if picture is not None:
            yield f"timeline-{lang}.svg", picture
        for path in paths(pages):
            html = _render(pages, Linker(lang, path, static=True), path, nodes)
            yield _page_file(path, lang), html.encode()
    for name, query in sorted(named_queries().items()):
        rows = pages.run(query, {})
        yield f"queries/{name}.csv", rows.to_csv().encode()
        yield f"queries/{name}.json", rows.to_json().encode()
    for path, iri in sorted(nodes.items()):
        for suffix in RDF_FORMATS:
            yield path + suffix, pages.rdf(iri, suffix)


def _check_folder(target: Path) -> None:
    """Refuse a folder that holds anything but an earlier site: it is replaced whole."""
    if not target.exists():
        return
    if not target.is_dir():
        raise DumpError(f"{target}: not a folder; give the folder to write the site into")
    if os.path.ismount(os.path.realpath(target)):
        raise DumpError(f"{target}: a mount point; a site replaces its folder whole")
    if any(target.iterdir()) and not (target / MARKER).is_file():
        raise DumpError(
            f"{target}: the folder holds files and no earlier site (no {MARKER}); a site "
            "replaces its folder whole, so give a new or empty folder, or an earlier site's"
        )


def write_site(kg: KnowledgeGraph, folder: str | Path) -> list[Path]:
    """Write the explorer's pages of ``kg`` into ``folder`` as a static site; return the files.

    The site is written into a hidden folder beside ``folder``, then put in its place; an
    earlier site there stays whole until then. Same graph, same bytes.

    :raises DumpError: a folder that holds other files than an earlier site, a mount point,
        or a folder that cannot be written

    >>> import tempfile
    >>> from accsm_kg import load
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     written = write_site(load(include_bundled=False), Path(tmp) / "site")
    ...     sorted(str(p.relative_to(tmp)) for p in written if p.name == "index.html")
    ['site/index.html', 'site/km/index.html']
    """
    target = Path(folder)
    real = Path(os.path.realpath(target))
    recover_folder(target, real, _SITE)
    _check_folder(target)
    files = sorted(site_files(kg))
    write_folder(target, real, files, _SITE)
    return [target / name for name, _ in files]
