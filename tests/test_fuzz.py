"""Fuzzing the loader: whatever the bytes, only accsm-kg's own errors come out, and quickly.

Hypothesis generates random bytes and mutations of the bundled Turtle; the examples are bounded
(and each has a deadline), so the run takes seconds in CI.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accsm_kg
from accsm_kg.loading import parse_file
from accsm_kg.resources import bundled_paths

SEEDS = [p.read_bytes()[:3000] for p in bundled_paths()[:4]]
FUZZ = settings(
    max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder) / "fuzz.ttl"


def _load(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    error: Exception | None = None
    try:
        with warnings.catch_warnings():  # a file of comments only is told of, and is no error
            warnings.simplefilter("ignore", accsm_kg.NoTripleWarning)
            parse_file(path)
    except accsm_kg.LoadError as caught:  # anything else fails the test as it is
        error = caught
    assert error is None or str(error).startswith(str(path)), str(error)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A slice of bundled Turtle with bytes deleted, replaced or inserted."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        kind = draw(st.sampled_from(["delete", "replace", "insert"]))
        chunk = draw(st.binary(min_size=1, max_size=4) | st.sampled_from(
            [b'"', b"<", b">", b"@", b"^^", b".", b";", b"\\u", b"_:", b"\xff", b"\xe1\x9e"]
        ))  # fmt: skip
        if kind == "delete":
            del data[at : at + len(chunk)]
        elif kind == "replace":
            data[at : at + len(chunk)] = chunk
        else:
            data[at:at] = chunk
    return bytes(data[: draw(st.integers(0, len(data)))])


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_raise_only_our_errors(scratch: Path, data: bytes) -> None:
    """Random bytes either load or raise a LoadError that names the file."""
    _load(scratch, data)


@FUZZ
@given(data=mutated())
def test_mutated_turtle_raises_only_our_errors(scratch: Path, data: bytes) -> None:
    """Bundled Turtle, cut and mutated, either loads or raises a LoadError that names the file."""
    _load(scratch, data)


@FUZZ
@given(text=st.text(st.sampled_from(list('<>"@^_:.;,[]()#\\ \nabc019xsd')), max_size=200))
def test_turtle_like_text_raises_only_our_errors(scratch: Path, text: str) -> None:
    """Text made of Turtle's own punctuation either loads or raises a LoadError."""
    _load(scratch, ("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + text).encode())


@settings(
    max_examples=150, deadline=3000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=mutated(), suffix=st.sampled_from([".ttl", ".nt", ".nq", ".trig"]))
def test_mutated_files_load_into_the_store_or_raise_our_errors(
    scratch: Path, data: bytes, suffix: str
) -> None:
    """The path load() takes (Oxigraph parsing into the store) gives only our errors, any suffix."""
    path = scratch.with_suffix(suffix)
    path.write_bytes(data)
    error: Exception | None = None
    try:
        with warnings.catch_warnings():  # told of, and no error: no triple, numbers kept by value
            warnings.simplefilter("ignore", accsm_kg.AccsmKgWarning)
            accsm_kg.load(path, include_bundled=False).close()
    except accsm_kg.LoadError as caught:  # anything else fails the test as it is
        error = caught
    assert error is None or str(error).startswith(str(path)), str(error)
