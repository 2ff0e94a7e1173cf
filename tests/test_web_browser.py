"""The web explorer in a real browser: Debian's Chromium, headless, driven by Playwright.

The app runs under uvicorn on a free loopback port in a thread of the test process; Playwright
drives the system's ``chromium`` (``executable_path``), never a browser of its own download.

The screenshots of the documentation (``docs/images/web-*.png``) are taken by the same code:

.. code-block:: bash

    ACCSM_KG_SCREENSHOTS=docs/images .venv/bin/python -m pytest tests/test_web_browser.py \
        -k screenshots
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import pytest
import uvicorn
from PIL import Image
from servers import free_port, in_ci, require_tool

import accsm_kg
from accsm_kg.web import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

#: Chhy Vichara's name in Khmer, as the data holds it, and as typed with a zero-width space in it
NAME = "ឈី វិជ្ជរ៉ា"
NAME_WITH_ZWSP = "ឈី វិជ្ជ\u200bរ៉ា"
NODE = "/id/chhy-vichara"

#: The pages of the documentation's screenshots: file name and path
SCREENSHOTS = {
    "web-home.png": "/",
    "web-node-en.png": NODE,
    "web-node-km.png": f"/km{NODE}",
    "web-search.png": "/search?q=Cambodia",
    "web-meetings.png": "/meetings",
}


@pytest.fixture(scope="module")
def base_url(kg: accsm_kg.KnowledgeGraph) -> Iterator[str]:
    """The explorer of the bundled graph, served by uvicorn on a free loopback port."""
    port = free_port()
    config = uvicorn.Config(create_app(kg), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not start on 127.0.0.1:{port}", pytrace=False)
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, under Playwright."""
    chromium = require_tool("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        message = "Playwright is not installed: pip install -e '.[test]'"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab, 1280 by 900 CSS pixels, one device pixel each."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    try:
        yield context.new_page()
    finally:
        context.close()


def path_of(page: Page) -> str:
    """Return the path of the page's address, decoded."""
    return unquote(urlsplit(page.url).path)


def rendering_fonts(page: Page, selector: str) -> dict[str, int]:
    """Return the fonts Chromium drew the text of ``selector`` with, and their glyph counts.

    This asks the browser itself (the DevTools call ``CSS.getPlatformFontsForNode``), so it
    names the font that was used, not the one the style sheet asked for.
    """
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"no element {selector!r}"
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        session.detach()
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def ink(png: bytes) -> float:
    """Return the share of pixels of a screenshot that are dark (text), from 0 to 1."""
    with Image.open(io.BytesIO(png)) as image:
        grey = image.convert("L")
        dark = sum(count for value, count in enumerate(grey.histogram()) if value < 128)
        return dark / (grey.width * grey.height)


def search_from_home(page: Page, base_url: str, home: str, text: str) -> None:
    """Open ``home``, type ``text`` into its search box and submit it."""
    page.goto(base_url + home)
    page.fill("form.search input[name=q]", text)
    with page.expect_navigation():
        page.press("form.search input[name=q]", "Enter")


@pytest.mark.parametrize("typed", [NAME, NAME_WITH_ZWSP], ids=["as-written", "zero-width-space"])
def test_khmer_search_leads_to_the_node_page_with_khmer_drawn_in_a_khmer_font(
    page: Page, base_url: str, typed: str
) -> None:
    """A Khmer name typed into the home page's search box finds the person; the link leads
    to the node page, where the Khmer label is marked lang="km" and drawn in a Khmer font."""
    search_from_home(page, base_url, "/", typed)
    assert path_of(page) == "/search"
    assert page.input_value("form.search input[name=q]") == typed
    result = page.locator(f'table a[href="{NODE}"]')
    assert result.count() == 1, page.inner_text("main")
    with page.expect_navigation():
        result.click()
    assert path_of(page) == NODE

    label = page.locator('dl.names dd[lang="km"]')
    assert label.inner_text() == NAME
    assert NAME in page.inner_text("main")
    fonts = rendering_fonts(page, 'dl.names dd[lang="km"]')
    assert fonts, "Chromium reports no font for the Khmer label"
    # every glyph but the spaces, which a Latin font earlier in the list may draw, is Khmer's
    spaces = label.inner_text().count(" ")
    khmer_glyphs = sum(n for family, n in fonts.items() if "khmer" in family.lower())
    assert khmer_glyphs > 0, fonts
    assert sum(fonts.values()) - khmer_glyphs <= spaces, fonts
    # not blank (empty boxes, the font check's business, would still hold ink): the label's
    # picture holds ink, as its English one does
    english = page.locator('dl.names dd[lang="en"]').screenshot()
    khmer = label.screenshot()
    assert ink(khmer) > 0.25 * ink(english) > 0, (ink(khmer), ink(english))


def test_the_khmer_switch_holds_across_pages(page: Page, base_url: str) -> None:
    """After the switch to Khmer, search and the links that follow stay in Khmer."""
    page.goto(base_url + "/")
    assert page.get_attribute("html", "lang") == "en"
    with page.expect_navigation():
        page.click('nav.languages a[hreflang="km"]')
    assert path_of(page) == "/km/"
    assert page.get_attribute("html", "lang") == "km"

    search_from_home(page, base_url, "/km/", NAME)
    assert path_of(page) == "/km/search"
    with page.expect_navigation():
        page.click(f'table a[href="/km{NODE}"]')
    assert path_of(page) == f"/km{NODE}"
    assert page.get_attribute("html", "lang") == "km"
    assert page.locator("h1").inner_text() == NAME

    # a neighbour of the node, from the table of its facts, is still in Khmer
    neighbour = page.locator('table.facts a[href^="/km/id/"]').first
    href = neighbour.get_attribute("href")
    assert href is not None
    assert href != f"/km{NODE}"
    with page.expect_navigation():
        neighbour.click()
    assert path_of(page) == href
    assert page.get_attribute("html", "lang") == "km"
    switch = page.locator("nav.languages a").get_attribute("href")
    assert switch == href.removeprefix("/km"), "the switch leads to the same page in English"


def take_screenshots(page: Page, base_url: str, folder: Path) -> dict[str, bytes]:
    """Save a screenshot of each page of :data:`SCREENSHOTS` into ``folder``; return them."""
    folder.mkdir(parents=True, exist_ok=True)
    taken = {}
    for name, path in SCREENSHOTS.items():
        response = page.goto(base_url + path)
        assert response is not None, path
        assert response.status == 200, (path, response.status)
        page.evaluate("document.fonts.ready")
        taken[name] = page.screenshot(path=folder / name, animations="disabled")
    return taken


def test_screenshots_of_the_main_pages(page: Page, base_url: str, tmp_path: Path) -> None:
    """Each main page draws as a 1280 by 900 picture with text on it.

    With ``ACCSM_KG_SCREENSHOTS`` set to a folder, the pictures are saved there too: this is
    how ``docs/images/web-*.png`` are made.
    """
    wanted = os.environ.get("ACCSM_KG_SCREENSHOTS")
    taken = take_screenshots(page, base_url, Path(wanted) if wanted else tmp_path)
    assert set(taken) == set(SCREENSHOTS)
    sizes: dict[str, Any] = {}
    for name, png in taken.items():
        with Image.open(io.BytesIO(png)) as image:
            sizes[name] = image.size
        assert 0.002 < ink(png) < 0.5, (name, ink(png))
    assert set(sizes.values()) == {(1280, 900)}, sizes
