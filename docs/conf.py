"""Sphinx configuration of the accsm-kg documentation site (built by .ci/run)."""

from __future__ import annotations

from importlib.metadata import version as _version

project = "accsm-kg"
author = "accsm-kg contributors"
copyright = "accsm-kg contributors; code Apache-2.0, ontology and data CC BY 4.0"
release = _version("accsm-kg")
version = release

extensions = [
    "myst_parser",  # the pages are Markdown, readable on GitHub as they are
    "sphinx.ext.autodoc",  # the API pages come from the docstrings
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

# Markdown pages link to headings of other pages (python.md#bindings-one-meaning-on-every-store)
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
# ```sparql and ```console blocks: highlighted where Pygments knows the language
highlight_language = "text"

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "show-inheritance": True}

html_theme = "furo"
html_title = f"accsm-kg {release}"
html_static_path: list[str] = []
