"""The web explorer (accsm_kg.web): pages, negotiation, refusals, and the static site."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS
from starlette.testclient import TestClient

import accsm_kg
from accsm_kg.web import create_app, write_site
from accsm_kg.web.app import negotiate

CAMBODIA = URIRef("https://w3id.org/accsm-kg/id/cambodia")
EVIL = """\
@prefix kg: <https://w3id.org/accsm-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kg:evil rdfs:label "<script>alert(1)</script>"@en , "ស្គ្រីប"@km ;
    rdfs:seeAlso kg:cambodia , <https://example.org/elsewhere> .
"""


@pytest.fixture(scope="module")
def client(kg: accsm_kg.KnowledgeGraph) -> TestClient:
    """A client of the explorer over the bundled data."""
    return TestClient(create_app(kg))


@pytest.fixture(scope="module")
def evil_ttl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Turtle file whose label is a script tag."""
    path = tmp_path_factory.mktemp("web") / "evil.ttl"
    path.write_text(EVIL, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "path",
    ["/", "/km/", "/meetings", "/bodies", "/chairs", "/work-plans", "/queries", "/nodes",
     "/validation", "/km/validation", "/search", "/queries/officials", "/id/cambodia",
     "/km/id/cambodia", "/ontology", "/km/ontology", "/ontology/Country", "/concept/lok-chumteav",
     "/graph/project/translations"],
)  # fmt: skip
def test_pages_are_html(client: TestClient, path: str) -> None:
    """Each page answers 200 in HTML with its language set on the document."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    lang = "km" if path.startswith("/km/") else "en"
    assert f'<html lang="{lang}">' in response.text


def test_node_page_links_neighbours_and_sources(client: TestClient) -> None:
    """A node page links our neighbours to their pages, outside IRIs out, and names sources."""
    page = client.get("/id/chhy-vichara").text
    assert 'href="/concept/lok-chumteav"' in page
    assert 'href="/id/src-mcs-2020-11-02-focal-points"' in page
    assert "Chhy Vichara" in page
    assert 'lang="km">ឈី វិជ្ជរ៉ា<' in page
    assert '<link rel="alternate" type="text/turtle" href="/id/chhy-vichara.ttl">' in page


def test_ontology_term_page(client: TestClient) -> None:
    """An ontology term, ontology#Country, has its page at /ontology/Country."""
    page = client.get("/ontology/Country").text
    assert "https://w3id.org/accsm-kg/ontology#Country" in page
    assert 'href="/id/cambodia"' in page


def test_language_switch_stays(client: TestClient) -> None:
    """On a Khmer page every internal link stays Khmer, and the switch leads back to English."""
    page = client.get("/km/id/cambodia").text
    links = re.findall(r'<a href="(/[^"]*)"', page)
    pages = [link for link in links if not link.endswith((".ttl", ".nt", ".jsonld"))]
    assert pages
    assert [link for link in pages if not link.startswith("/km/")] == ["/id/cambodia"]
    assert "កម្ពុជា" in page
    assert 'href="/km/id/mcs-cambodia"' in page
    english = client.get("/id/cambodia").text
    assert 'href="/km/id/cambodia"' in english


def test_search_in_khmer(client: TestClient) -> None:
    """Searching the Khmer name of Chhy Vichara finds her, linked to her page."""
    page = client.get("/km/search", params={"q": "ឈី វិជ្ជរ៉ា"}).text
    assert 'href="/km/id/chhy-vichara"' in page
    assert "exact" in page


def test_search_with_nothing_to_search_is_400(client: TestClient) -> None:
    """A search text with no word in it is a 400 page with the library's message."""
    response = client.get("/search", params={"q": "!!!"})
    assert response.status_code == 400
    assert "nothing to search for" in response.text


@pytest.mark.parametrize(
    ("accept", "media"),
    [("text/turtle", "text/turtle"), ("application/n-triples", "application/n-triples"),
     ("application/ld+json", "application/ld+json"),
     ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html")],
)  # fmt: skip
def test_negotiation_by_accept(client: TestClient, accept: str, media: str) -> None:
    """A node path answers in the media type the Accept header prefers, and says it varies."""
    response = client.get("/id/cambodia", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert response.headers["vary"] == "Accept"
    assert '</id/cambodia.ttl>; rel="alternate"; type="text/turtle"' in response.headers["link"]


def _triples(body: bytes, media: str) -> set[tuple[str, str, str]]:
    syntax = {
        "text/turtle": ox.RdfFormat.TURTLE,
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "application/ld+json": ox.RdfFormat.JSON_LD,
    }[media]
    return {
        (t.subject.value, t.predicate.value, str(t.object))
        for t in ox.parse(body, syntax)  # type: ignore[union-attr]
    }


@pytest.mark.parametrize(
    ("suffix", "media"),
    [(".ttl", "text/turtle"), (".nt", "application/n-triples"), (".jsonld", "application/ld+json")],
)
def test_negotiation_by_suffix(client: TestClient, suffix: str, media: str) -> None:
    """A suffix gives the node's description in its format, holding its labels."""
    response = client.get(f"/id/cambodia{suffix}")
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media}; charset=utf-8"
    found = _triples(response.content, media)
    label = str(RDFS.label)
    assert (str(CAMBODIA), label, Literal("Cambodia", lang="en").n3()) in found
    assert (str(CAMBODIA), label, Literal("កម្ពុជា", lang="km").n3()) in found


def test_negotiation_refuses_what_it_cannot_give(client: TestClient) -> None:
    """An Accept header naming nothing offered is 406; the negotiation follows quality."""
    assert client.get("/id/cambodia", headers={"Accept": "image/png"}).status_code == 406
    assert negotiate("text/html;q=0.1, text/turtle") == "text/turtle"
    assert negotiate("*/*") == "text/html"


def test_named_query_form(client: TestClient) -> None:
    """A named query's page is a form of its parameters, with its answer as a table."""
    page = client.get("/queries/officials", params={"agency": "kg:mcs-cambodia"}).text
    assert 'name="agency"' in page
    assert 'value="kg:mcs-cambodia"' in page
    assert "Chhy Vichara" in page
    assert "Hun Many" in page


def test_named_query_bad_value_is_400(client: TestClient) -> None:
    """A value not of its parameter's kind is a 400 page with the library's message."""
    response = client.get("/queries/meetings", params={"year": "abc"})
    assert response.status_code == 400
    assert "year: &#39;abc&#39; is not a valid year" in response.text
    unknown = client.get("/queries/officials", params={"agnecy": "kg:x"})
    assert unknown.status_code == 400
    assert "did you mean agency?" in unknown.text


def test_named_query_unknown_is_404(client: TestClient) -> None:
    """A named query that does not exist is a 404 naming the nearest one."""
    response = client.get("/queries/oficials")
    assert response.status_code == 404
    assert "officials" in response.text


def test_downloads(client: TestClient) -> None:
    """A named query's answer downloads as CSV and as SPARQL JSON, with the form's values."""
    csv = client.get("/queries/officials.csv", params={"agency": "kg:mcs-cambodia"})
    assert csv.status_code == 200
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.text.splitlines()[0].startswith("agency,agency_name,person")
    assert len(csv.text.splitlines()) == 3
    found = client.get("/queries/officials.json", params={"agency": "kg:mcs-cambodia"})
    names = {b["person_name"]["value"] for b in json.loads(found.text)["results"]["bindings"]}
    assert names == {"Chhy Vichara", "Hun Many"}


def test_validation_page(client: TestClient) -> None:
    """The validation page says the bundled data conforms."""
    assert "Conforms: the data satisfies every shape." in client.get("/validation").text


def test_validation_page_lists_violations(resources: Path) -> None:
    """With data that violates a shape, the page says so and names the focus node."""
    bad = accsm_kg.load(resources / "shapes" / "delegation-size-not-positive.ttl")
    page = TestClient(create_app(bad)).get("/validation").text
    assert "Does not conform: 1 violation(s)" in page
    assert "kg:example-delegation" in page


def test_unknown_node_is_404_with_near_matches(client: TestClient) -> None:
    """A node that occurs nowhere is a 404 page suggesting the nearest nodes."""
    response = client.get("/id/cambodai")
    assert response.status_code == 404
    assert "did you mean kg:cambodia (Cambodia)" in response.text


@pytest.mark.parametrize(
    "path",
    ["/id/../../etc/passwd", "/id/%2e%2e/%2e%2e/etc/passwd", "/id/..%2f..%2fetc%2fpasswd",
     "/static/../pages.py", "/etc/passwd", "/templates/base.html", "/id/", "/km/id/cambodia.ttl"],
)  # fmt: skip
def test_no_traversal(client: TestClient, path: str) -> None:
    """Paths that climb out, or name no node, are 404 and never read a file."""
    response = client.get(path)
    assert response.status_code == 404
    assert "root:" not in response.text
    assert "{% extends" not in response.text


def test_body_too_large_is_413(kg: accsm_kg.KnowledgeGraph) -> None:
    """A request body over the limit is refused with 413, by its length or as it streams."""
    small = TestClient(create_app(kg, max_body=100))
    assert small.request("GET", "/", content=b"x" * 101).status_code == 413

    def chunks() -> object:
        yield from (b"x" * 60, b"x" * 60)

    assert small.request("GET", "/", content=chunks()).status_code == 413  # type: ignore[arg-type]
    assert small.request("GET", "/", content=b"x" * 100).status_code == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_only_reads(client: TestClient, method: str) -> None:
    """Methods other than GET and HEAD are refused with 405."""
    assert client.request(method, "/id/cambodia").status_code == 405
    assert client.request(method, "/queries/officials").status_code == 405


def test_head(client: TestClient) -> None:
    """HEAD answers as GET, without the body."""
    response = client.head("/id/cambodia", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.content == b""


def test_every_value_is_escaped(evil_ttl: Path) -> None:
    """A label holding a script tag shows as text, on the node's page and where it is linked."""
    client = TestClient(create_app(accsm_kg.load(evil_ttl)))
    for path in ("/id/evil", "/search?q=script", "/id/cambodia", "/nodes"):
        page = client.get(path).text
        assert "<script>" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
    page = client.get("/id/evil").text
    assert 'href="https://example.org/elsewhere"' in page
    assert 'href="/id/cambodia"' in page


def test_static_assets(client: TestClient) -> None:
    """The style sheet is served from the package, with a Khmer font stack; nothing external."""
    css = client.get("/static/style.css")
    assert css.headers["content-type"].startswith("text/css")
    assert "Noto Sans Khmer" in css.text
    assert not re.search(r'(src|href)="https?://', client.get("/").text)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.slow
def test_site_is_deterministic_and_relative(evil_ttl: Path, tmp_path: Path) -> None:
    """Two sites of the same data are the same bytes, linked relatively, RDF beside pages."""
    graph = accsm_kg.load(evil_ttl, include_bundled=False)
    first = write_site(graph, tmp_path / "one")
    write_site(graph, tmp_path / "two")
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert one == two
    assert sorted(str(p.relative_to(tmp_path / "one")) for p in first) == sorted(one)
    assert {"index.html", "km/index.html", "id/evil.html", "km/id/evil.html", "id/evil.ttl",
            "id/evil.nt", "id/evil.jsonld", "static/style.css"} <= set(one)  # fmt: skip
    links = [
        link
        for name, data in one.items()
        if name.endswith(".html")
        for link in re.findall(r'(?:href|src)="([^"]*)"', data.decode())
    ]
    assert links
    assert not [link for link in links if link.startswith(("/", "http://127"))]
    evil = one["km/id/evil.html"].decode()
    assert 'href="../../id/evil.html"' in evil  # the switch to English
    assert 'href="cambodia.html"' in evil
    assert "&lt;script&gt;" in evil
    assert not [p for p in tmp_path.iterdir() if p.name not in ("one", "two")]


@pytest.mark.slow
def test_site_refuses_a_folder_of_other_files(tmp_path: Path, evil_ttl: Path) -> None:
    """A folder holding other files is not replaced; an earlier site is."""
    (tmp_path / "keep.txt").write_text("mine")
    graph = accsm_kg.load(evil_ttl, include_bundled=False)
    with pytest.raises(accsm_kg.errors.DumpError, match="no earlier site"):
        write_site(graph, tmp_path)
    assert (tmp_path / "keep.txt").read_text() == "mine"
    write_site(graph, tmp_path / "site")
    (tmp_path / "site" / "id" / "stale.html").write_text("old")
    write_site(graph, tmp_path / "site")
    assert not (tmp_path / "site" / "id" / "stale.html").exists()


def test_cli_serve_binds_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """accsm-kg serve runs the app with uvicorn on 127.0.0.1:8000 unless told otherwise."""
    import uvicorn
    from click.testing import CliRunner

    from accsm_kg.cli import main

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    result = CliRunner().invoke(main, ["serve"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert calls[0]["host"] == "127.0.0.1"
    assert calls[0]["port"] == 8000
    CliRunner().invoke(main, ["serve", "--port", "8123", "-t", "2"], catch_exceptions=False)
    assert calls[1]["port"] == 8123
    bad = CliRunner().invoke(main, ["serve", "-t", "0"])
    assert bad.exit_code == 2


def test_cli_serve_on_a_busy_port_is_exit_2_before_loading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A port something else listens on is refused at once, naming it; no data is loaded."""
    import socket

    import uvicorn
    from click.testing import CliRunner

    from accsm_kg import cli

    monkeypatch.setattr(uvicorn, "run", lambda app, **options: pytest.fail("served"))
    monkeypatch.setattr(cli._Source, "open", lambda *a, **k: pytest.fail("loaded"))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli.main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


@pytest.mark.slow
def test_cli_site(tmp_path: Path, evil_ttl: Path) -> None:
    """accsm-kg site writes the site and lists its files; a folder of other files is exit 2."""
    from click.testing import CliRunner

    from accsm_kg.cli import main

    out = tmp_path / "site"
    args = ["site", "-o", str(out), "--no-bundled", "--data", str(evil_ttl)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert str(out / "id" / "evil.html") in result.stdout.splitlines()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("mine")
    args[2] = str(tmp_path / "other")
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2
    assert "no earlier site" in refused.output


def test_the_ontology_has_its_page_and_its_rdf(client: TestClient) -> None:
    """/ontology, which the index links to, is the ontology's own page, and has RDF too."""
    page = client.get("/ontology")
    assert page.status_code == 200
    assert "<code>https://w3id.org/accsm-kg/ontology</code>" in page.text
    turtle = client.get("/ontology.ttl")
    assert turtle.status_code == 200
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "owl:Ontology" in turtle.text or "2002/07/owl#Ontology" in turtle.text


@pytest.mark.slow
def test_an_earlier_site_moved_aside_is_put_back(
    tmp_path: Path, evil_ttl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The swap moves an earlier site aside under the tag recovery looks for; a write killed
    between its renames leaves it there, and the next write puts it back first, so a write
    that then fails leaves the earlier site in place, whole."""
    import subprocess
    import sys

    from accsm_kg import release
    from accsm_kg.web import site

    graph = accsm_kg.load(evil_ttl, include_bundled=False)
    write_site(graph, tmp_path / "site")
    tags: list[str] = []
    new_folder = release._new_folder
    monkeypatch.setattr(
        release, "_new_folder", lambda real, tag: tags.append(tag) or new_folder(real, tag)
    )
    write_site(graph, tmp_path / "site")
    assert tags == ["accsm-kg-site", "accsm-kg-site-replaced"]

    earlier = sorted(p.relative_to(tmp_path) for p in (tmp_path / "site").rglob("*"))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout.strip()  # fmt: skip
    (tmp_path / "site").rename(tmp_path / f".site.accsm-kg-site-replaced.{dead}.0a1b2c3d.tmp")
    (tmp_path / f".site.accsm-kg-site.{dead}.0a1b2c3e.tmp").mkdir()  # a killed write's folder

    def fail(kg: object) -> object:
        raise accsm_kg.errors.DumpError("stopped")

    monkeypatch.setattr(site, "site_files", fail)
    with pytest.raises(accsm_kg.errors.DumpError, match="stopped"):
        write_site(graph, tmp_path / "site")
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "site").rglob("*")) == earlier
