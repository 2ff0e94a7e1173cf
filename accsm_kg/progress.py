"""Progress bars for long work: loading large files, validation, releases, synthetic data.

A bar is drawn by tqdm on standard error, never on standard output (whose text is often
piped), and only where someone can see it: when standard error is a terminal or the code runs
in Jupyter, unless told otherwise. Work shorter than :attr:`Settings.delay` seconds shows
nothing, and files smaller than :attr:`Settings.min_bytes` are read without a bar at all.

The switches, strongest first: :func:`configure` (the CLI's ``--progress/--no-progress``), the
environment variable ``ACCSM_KG_PROGRESS`` (``1`` or ``0``), then the automatic choice above.

>>> with configured(enabled=False), progress("counting", total=3) as bar:
...     bar.update(3)
...     bar.count
3
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import io
import os
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from .errors import OptionError

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = [
    "ENVIRONMENT_VARIABLE",
    "Progress",
    "Settings",
    "configure",
    "configured",
    "is_enabled",
    "progress",
    "settings",
    "shown_for",
    "steps",
]

#: The environment variable that turns bars on (``1``) or off (``0``).
ENVIRONMENT_VARIABLE = "ACCSM_KG_PROGRESS"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class Settings:
    """When progress is shown.

    :param enabled: ``True`` or ``False`` forces bars on or off; ``None`` (the default) leaves
        it to ``ACCSM_KG_PROGRESS``, else to whether standard error is a terminal or Jupyter.
    :param delay: seconds of work before a bar appears, so that quick work stays silent.
    :param min_bytes: the smallest file whose loading gets a bar of bytes read.
    """

    enabled: bool | None = None
    delay: float = 0.5
    min_bytes: int = 4 << 20


class _Keep(enum.Enum):
    KEEP = enum.auto()


_KEEP = _Keep.KEEP
# The one process-wide setting, as a terminal's user or the CLI's --progress means it to be.
_settings = Settings()


def settings() -> Settings:
    """Return the settings in force."""
    return _settings


def configure(
    *,
    enabled: bool | _Keep | None = _KEEP,
    delay: float | _Keep = _KEEP,
    min_bytes: int | _Keep = _KEEP,
) -> Settings:
    """Change the settings named (see :class:`Settings`); return the previous settings.

    >>> previous = configure(enabled=False)
    >>> is_enabled()
    False
    >>> _ = configure(**dataclasses.asdict(previous))
    """
    global _settings
    previous = _settings
    changes: dict[str, Any] = {
        name: value
        for name, value in (("enabled", enabled), ("delay", delay), ("min_bytes", min_bytes))
        if value is not _KEEP
    }
    if "delay" in changes and not changes["delay"] >= 0:
        raise OptionError(f"the progress delay is 0 seconds or more, not {delay!r}")
    if "min_bytes" in changes and changes["min_bytes"] < 0:
        raise OptionError(f"the progress threshold is 0 bytes or more, not {min_bytes!r}")
    _settings = dataclasses.replace(previous, **changes)
    return previous


@contextlib.contextmanager
def configured(
    *,
    enabled: bool | _Keep | None = _KEEP,
    delay: float | _Keep = _KEEP,
    min_bytes: int | _Keep = _KEEP,
) -> Iterator[Settings]:
    """Change the settings for a ``with`` block (see :func:`configure`); yield them."""
    previous = configure(enabled=enabled, delay=delay, min_bytes=min_bytes)
    try:
        yield _settings
    finally:
        configure(**dataclasses.asdict(previous))


def _in_jupyter() -> bool:
    """Whether this runs in a Jupyter kernel (notebooks show standard error below the cell)."""
    if "ipykernel" not in sys.modules or "IPython" not in sys.modules:
        return False
    shell = sys.modules["IPython"].get_ipython()
    return getattr(shell, "kernel", None) is not None


def is_enabled() -> bool:
    """Whether bars are shown: as configured, else as ``ACCSM_KG_PROGRESS`` says, else seen.

    :raises OptionError: ``ACCSM_KG_PROGRESS`` holds something other than 0 or 1.
    """
    if _settings.enabled is not None:
        return _settings.enabled
    raw = os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    if raw:
        raise OptionError(
            f"{ENVIRONMENT_VARIABLE} is 1 (show progress) or 0 (do not), not "
            f"{os.environ[ENVIRONMENT_VARIABLE]!r}; unset it to show progress on terminals only"
        )
    stream = sys.stderr
    try:
        terminal = stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed standard error
        terminal = False
    return terminal or _in_jupyter()


def shown_for(size: int) -> bool:
    """Whether reading ``size`` bytes gets a bar: progress is on and the size is large enough."""
    return size >= _settings.min_bytes and is_enabled()


class Progress:
    """One piece of long work: :meth:`update` it as it goes, or :meth:`step` through phases.

    Made by :func:`progress` and :func:`steps`; without a bar (progress off) it only counts.
    """

    def __init__(self, bar: tqdm[Any] | None, description: str) -> None:
        self._bar = bar
        self._description = description
        self._stepping = False
        #: how much is done (bytes, triples or steps)
        self.count = 0

    @property
    def total(self) -> float | None:
        """How much there is to do, if known."""
        return self._bar.total if self._bar is not None else None

    @total.setter
    def total(self, value: float | None) -> None:
        if self._bar is not None:
            self._bar.total = value
            self._draw()

    def update(self, n: int = 1) -> None:
        """Count ``n`` more done."""
        self.count += n
        if self._bar is not None:
            self._bar.update(n)

    def advance_to(self, done: int) -> None:
        """Count ``done`` done in all (for work that reports totals so far)."""
        if done > self.count:
            self.update(done - self.count)

    def step(self, what: str) -> None:
        """End the step in course, if any, and begin the next one, named ``what``."""
        if self._stepping:
            self.update(1)
        self._stepping = True
        if self._bar is not None:
            self._bar.set_description(f"{self._description}: {what}", refresh=False)
            self._draw()

    def reader(self, stream: IO[bytes]) -> io.RawIOBase:
        """Return ``stream``, counting the bytes read from it."""
        return _CountingReader(stream, self)

    def _finish(self, failed: bool) -> None:
        if self._stepping and not failed:
            self.update(1)
        if self._bar is not None:
            self._bar.close()

    def _draw(self) -> None:
        """Redraw the bar now, but only once its delay is over: quick work stays silent.

        Every draw outside tqdm's own ``update()`` goes through here, to record it: tqdm's
        ``close()`` draws the final state and ends the line only for a bar whose ``last_print_t``
        is past the delay, and ``refresh()`` does not set it. A bar drawn by ``refresh()`` alone
        was left unfinished, with the next message on its line.
        """
        bar = self._bar
        if bar is None or bar.disable:
            return
        now = time.time()
        if now >= bar.start_t + (bar.delay or 0):
            bar.refresh()
            bar.last_print_t = now

    def _tick(self) -> None:
        """Redraw a bar whose work gives no news for a while (a long phase), once it shows."""
        self._draw()


class _CountingReader(io.RawIOBase):
    """A binary stream that tells a :class:`Progress` how many bytes were read from it."""

    def __init__(self, stream: IO[bytes], progress: Progress) -> None:
        super().__init__()
        self._stream = stream
        self._progress = progress

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._progress.update(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _make_bar(description: str, total: float | None, unit: str) -> tqdm[Any]:
    with warnings.catch_warnings():
        # tqdm says so when a notebook lacks ipywidgets; it falls back to text, which is fine
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm

    scaled = unit == "B"
    if scaled:
        shape = None  # tqdm's own: sizes in kB and MB, rate and time left
    elif unit == "step":
        # steps differ in length: their rate and time left would mislead
        shape = "{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}]"
    else:
        # counts exact, to match the count reported after (19985 is no "20.0k"); tqdm gives an
        # unscaled rate only with two decimals, so it is left out
        shape = "{l_bar}{bar}| {n_fmt}/{total_fmt} {unit} [{elapsed}<{remaining}]"
    return tqdm(
        bar_format=shape,
        total=total,
        desc=description,
        unit=unit,
        unit_scale=scaled,
        unit_divisor=1024 if scaled else 1000,
        file=sys.stderr,
        delay=_settings.delay,
        dynamic_ncols=True,
        leave=True,
    )


@contextlib.contextmanager
def progress(
    description: str, *, total: float | None = None, unit: str = "it", ticking: bool = False
) -> Iterator[Progress]:
    """Show a bar for the work of a ``with`` block, if progress is on (:func:`is_enabled`).

    The bar is closed at the end of the block, also when it raises.

    :param description: what is being done, such as ``"loading data.ttl"``.
    :param total: how much there is to do, in ``unit``; ``None`` when not known.
    :param unit: ``"B"`` counts bytes (shown as kB, MB); anything else is a plain count.
    :param ticking: redraw the bar every second, for work that updates it rarely.
    """
    bar = _make_bar(description, total, unit) if is_enabled() else None
    work = Progress(bar, description)
    stop = threading.Event()
    ticker = None
    if bar is not None and ticking:

        def tick() -> None:
            while not stop.wait(0.5):
                work._tick()

        ticker = threading.Thread(target=tick, name="accsm-kg-progress", daemon=True)
        ticker.start()
    failed = True
    try:
        yield work
        failed = False
    finally:
        stop.set()
        if ticker is not None:
            ticker.join()
        work._finish(failed)


@contextlib.contextmanager
def steps(description: str, total: int | None = None) -> Iterator[Progress]:
    """Show work made of named phases: call :meth:`Progress.step` as each one begins.

    For work with no measure of its own (pySHACL has no callback), the bar names the phase in
    course and its time, redrawn every second.

    >>> with configured(enabled=False), steps("validating", total=2) as bar:
    ...     bar.step("loading shapes")
    ...     bar.step("running pySHACL")
    >>> bar.count
    2
    """
    with progress(description, total=total, unit="step", ticking=True) as work:
        yield work
