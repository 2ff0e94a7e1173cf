"""A knowledge graph of ASEAN Cooperation on Civil Service Matters, queried with SPARQL."""

from importlib.metadata import version as _version

from .diff import GraphDiff, diff_dumps, diff_graphs
from .docs import build_docs
from .errors import (
    AccsmKgError,
    AuthenticationError,
    BindingError,
    CurationError,
    DumpError,
    EmptyFileError,
    EncodingError,
    FormatError,
    ImportNotFoundError,
    InvalidLiteralError,
    LoadError,
    NoRdfFilesError,
    OptionError,
    QueryError,
    QueryFormError,
    QueryTimeoutError,
    ReadOnlyStoreError,
    ReleaseError,
    RemoteError,
    RemoteHTTPError,
    RemoteTimeoutError,
    RoundTripError,
    ServerUnreachableError,
    ShapesError,
    SourceNotFoundError,
    SparqlSyntaxError,
    StoreError,
    TurtleSyntaxError,
    UnknownQueryError,
    UnsupportedFileError,
)
from .knowledge_graph import PREFIXES, KnowledgeGraph, connect, load
from .publish import DumpFormat
from .queries import NamedQuery, Parameter, named_queries
from .release import Release, make_release
from .results import Row, Rows
from .store import OxigraphStore, RdflibStore, RemoteStore, Store, StoreName
from .validate import ValidationReport, Violation

__version__ = _version("accsm-kg")

__all__ = [
    "PREFIXES",
    "AccsmKgError",
    "AuthenticationError",
    "BindingError",
    "CurationError",
    "DumpError",
    "DumpFormat",
    "EmptyFileError",
    "EncodingError",
    "FormatError",
    "GraphDiff",
    "ImportNotFoundError",
    "InvalidLiteralError",
    "KnowledgeGraph",
    "LoadError",
    "NamedQuery",
    "NoRdfFilesError",
    "OptionError",
    "OxigraphStore",
    "Parameter",
    "QueryError",
    "QueryFormError",
    "QueryTimeoutError",
    "RdflibStore",
    "ReadOnlyStoreError",
    "Release",
    "ReleaseError",
    "RemoteError",
    "RemoteHTTPError",
    "RemoteStore",
    "RemoteTimeoutError",
    "RoundTripError",
    "Row",
    "Rows",
    "ServerUnreachableError",
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
    "build_docs",
    "connect",
    "diff_dumps",
    "diff_graphs",
    "load",
    "make_release",
    "named_queries",
]
