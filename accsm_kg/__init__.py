"""A knowledge graph of ASEAN Cooperation on Civil Service Matters, queried with SPARQL."""

from importlib.metadata import version as _version

from .errors import (
    AccsmKgError,
    BindingError,
    DumpError,
    FormatError,
    InvalidLiteralError,
    LoadError,
    QueryError,
    QueryFormError,
    ShapesError,
    SourceNotFoundError,
    SparqlSyntaxError,
    StoreError,
    TurtleSyntaxError,
    UnknownQueryError,
    UnsupportedFileError,
)
from .knowledge_graph import PREFIXES, KnowledgeGraph, load
from .publish import DumpFormat
from .queries import NamedQuery, Parameter, named_queries
from .results import Row, Rows
from .store import RdflibStore, Store, StoreName
from .validate import ValidationReport, Violation

__version__ = _version("accsm-kg")

__all__ = [
    "PREFIXES",
    "AccsmKgError",
    "BindingError",
    "DumpError",
    "DumpFormat",
    "FormatError",
    "InvalidLiteralError",
    "KnowledgeGraph",
    "LoadError",
    "NamedQuery",
    "Parameter",
    "QueryError",
    "QueryFormError",
    "RdflibStore",
    "Row",
    "Rows",
    "ShapesError",
    "SourceNotFoundError",
    "SparqlSyntaxError",
    "Store",
    "StoreError",
    "StoreName",
    "TurtleSyntaxError",
    "UnknownQueryError",
    "UnsupportedFileError",
    "ValidationReport",
    "Violation",
    "__version__",
    "load",
    "named_queries",
]
