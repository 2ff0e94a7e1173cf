"""The web application: the explorer's pages, search, forms and RDF, served by Starlette.

Every path answers ``GET`` and ``HEAD`` only (the SPARQL endpoint, where there is one, also
``POST``); a body over :data:`MAX_BODY` bytes is refused with 413 before it is read whole. Paths
are matched against the names the graph uses, never against the file system.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import (
    AccsmKgError,
    QueryTimeoutError,
    UnknownNodeError,
    UnknownQueryError,
)
from ..queries import named_queries
from .pages import PAGES, RDF_FORMATS, Language, Linker, Pages, node_iris, node_path
from .sparql import negotiate as choose
from .sparql import sparql_route

if TYPE_CHECKING:
    from ..knowledge_graph import KnowledgeGraph

__all__ = ["MAX_BODY", "create_app", "negotiate"]

#: The largest request body accepted, in bytes.
MAX_BODY = 1_000_000

#: The media types a node path answers in, the preferred first where the client has no choice.
_OFFERED = ("text/html", *(media for media, _ in RDF_FORMATS.values()))
_SUFFIX_OF = {media: suffix for suffix, (media, _) in RDF_FORMATS.items()}
_PAGES = ("search", *PAGES)
_QUERY_FILE = re.compile(r"queries/([a-z0-9-]+)(\.csv|\.json)?")
_TIMELINE = re.compile(r"timeline-(en|km)\.svg")


def negotiate(accept: str | None) -> str | None:
    """Return the media type to answer a node path in, by the ``Accept`` header, or ``None``.

    The highest quality wins; among equals, the more specific range, then HTML first. ``None``
    means nothing offered is acceptable (406).

    >>> negotiate("text/turtle"), negotiate("application/ld+json;q=0.9, text/turtle;q=0.5")
    ('text/turtle', 'application/ld+json')
    >>> negotiate("text/html,application/xhtml+xml,*/*;q=0.8"), negotiate(None)
    ('text/html', 'text/html')
    >>> negotiate("image/png") is None
    True
    """
    return choose(accept, _OFFERED)


class _LimitBody:
    """ASGI middleware: refuse a request body over ``limit`` bytes with 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _refuse(send, self.limit)
            return
        # a body of unknown length is read first, up to the limit, and handed on whole
        chunks: list[bytes] = []
        seen = 0
        more = length is None and any(
            name == b"transfer-encoding" for name, _ in scope.get("headers") or []
        )
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > self.limit:
                await _refuse(send, self.limit)
                return
            more = message.get("more_body", False)
        if not chunks:
            await self.app(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)


async def _refuse(send: Send, limit: int) -> None:
    body = f"Request body too large: at most {limit} bytes are accepted.\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode())],
        }
    )  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def _status(error: AccsmKgError) -> int:
    if isinstance(error, UnknownNodeError | UnknownQueryError):
        return 404
    if isinstance(error, QueryTimeoutError):
        return 503
    return 400


def create_app(
    kg: KnowledgeGraph, *, timeout: float | None = 10.0, max_body: int = MAX_BODY
) -> Starlette:
    """Return the web explorer of ``kg``: an ASGI application, to run with uvicorn.

    :param timeout: the most seconds a query of a page may run (503 past it)
    :param max_body: the largest request body accepted, in bytes (413 past it)

    >>> from starlette.testclient import TestClient
    >>> from accsm_kg import load
    >>> client = TestClient(create_app(load()))
    >>> page = client.get("/id/cambodia")
    >>> page.status_code, page.headers["content-type"]
    (200, 'text/html; charset=utf-8')
    >>> client.get("/id/cambodia", headers={"Accept": "text/turtle"}).headers["content-type"]
    'text/turtle; charset=utf-8'
    """
    pages = Pages(kg, timeout=timeout)
    # Oxigraph answers concurrent readers; the rdflib store is not made for threads
    lock: Callable[[], AbstractContextManager[Any]] = (
        nullcontext if kg.store.name == "oxigraph" else _locker()
    )

    def respond(request: Request) -> Response:
        with lock():
            path = request.path_params["path"]
            lang: Language = "en"
            if path == "km" or path.startswith("km/"):
                lang, path = "km", path[3:]
            path = path.rstrip("/") if path != "" else path
            link = Linker(lang, path)
            try:
                return _dispatch(pages, request, link, path)
            except AccsmKgError as error:
                status = _status(error)
                return HTMLResponse(pages.error(link, status, str(error)), status_code=status)

    routes: list[BaseRoute] = [
        *_sparql(kg, timeout, max_body),
        Route("/{path:path}", respond, methods=["GET"]),
    ]
    return Starlette(routes=routes, middleware=[_middleware(max_body)])


def _locker() -> Callable[[], AbstractContextManager[Any]]:
    lock = threading.Lock()
    return lambda: lock


def _middleware(limit: int) -> Any:
    from starlette.middleware import Middleware

    return Middleware(_LimitBody, limit=limit)


def _sparql(kg: KnowledgeGraph, timeout: float | None, max_body: int) -> list[BaseRoute]:
    """Return the route of the SPARQL endpoint, with the app's time and size limits."""
    return [sparql_route(kg, timeout=timeout or 10.0, max_body=max_body)]


def _not_found(pages: Pages, link: Linker, message: str) -> Response:
    return HTMLResponse(pages.error(link, 404, message), status_code=404)


def _dispatch(pages: Pages, request: Request, link: Linker, path: str) -> Response:
    """Answer one path, in the language of ``link``."""
    if path in _PAGES and not (path == "" and request.url.path.endswith("//")):
        return HTMLResponse(_page(pages, request, link, path))
    if link.lang == "en":
        if path == "static/style.css":
            return Response(pages.style(), media_type="text/css")
        if timeline := _TIMELINE.fullmatch(path):
            picture = pages.timeline("km" if timeline.group(1) == "km" else "en")
            if picture is None:
                return _not_found(pages, link, f"/{path}: no font to draw it with")
            return Response(picture, media_type="image/svg+xml")
    if found := _QUERY_FILE.fullmatch(path):
        return _query(pages, request, link, found.group(1), found.group(2))
    return _node(pages, request, link, path)


def _page(pages: Pages, request: Request, link: Linker, path: str) -> str:
    if path == "search":
        return pages.search(link, request.query_params.get("q", ""))
    return pages.page(link, path)


def _query(pages: Pages, request: Request, link: Linker, name: str, suffix: str | None) -> Response:
    known = named_queries()
    if name not in known:
        raise UnknownQueryError(name, list(known))
    query = known[name]
    values = {key: value for key, value in request.query_params.items() if key != "lang"}
    if suffix is None:
        return HTMLResponse(pages.query(link, query, values))
    rows = pages.run(query, values)
    saved = {"Content-Disposition": f'attachment; filename="{name}{suffix}"'}
    if suffix == ".csv":
        return Response(rows.to_csv(), media_type="text/csv; charset=utf-8", headers=saved)
    return Response(rows.to_json(), media_type="application/sparql-results+json", headers=saved)


def _node(pages: Pages, request: Request, link: Linker, path: str) -> Response:
    """Answer a node path: its page, or its description in RDF (by suffix or ``Accept``)."""
    suffix = next((s for s in RDF_FORMATS if path.endswith(s)), None)
    stem = path[: -len(suffix)] if suffix else path
    candidates = node_iris(stem)
    if not candidates or (suffix and link.lang == "km"):
        return _not_found(pages, link, f"/{request.url.path.lstrip('/')}: no such page")
    iri = _occurring(pages, candidates)
    if iri is None:
        pages.kg.describe(candidates[0], link.lang)  # raises UnknownNodeError, with near ones
        return _not_found(pages, link, f"{candidates[0]} occurs nowhere in the graph")
    own = node_path(iri) or stem
    alternates = ", ".join(
        f'</{own}{s}>; rel="alternate"; type="{media}"' for s, (media, _) in RDF_FORMATS.items()
    )
    headers = {"Vary": "Accept", "Link": alternates}
    media = RDF_FORMATS[suffix][0] if suffix else negotiate(request.headers.get("accept"))
    if media is None:
        offered = ", ".join(_OFFERED)
        return Response(f"Not acceptable: this path answers in {offered}.\n", status_code=406,
                        media_type="text/plain", headers=headers)  # fmt: skip
    if media == "text/html":
        return HTMLResponse(pages.node(Linker(link.lang, own), iri), headers=headers)
    body = pages.rdf(iri, _SUFFIX_OF[media])
    return Response(body, media_type=f"{media}; charset=utf-8", headers=headers)


def _occurring(pages: Pages, candidates: list[URIRef]) -> URIRef | None:
    known = dict((iri, path) for path, iri in pages.nodes())
    return next((iri for iri in candidates if iri in known), None)
