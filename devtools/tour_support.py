"""What the screenshot tour needs besides its script: holding the effect runner, a frozen runtime,
the render variants (text size, help open) and the sinks that take each render (PNG files or the
layout audit).

A *render* is one screen state in one language and one text size. The tour reaches each state the
real way (taps, cards, faults); the other text size and the open help are rendered from a copy of
that state on a :class:`FrozenRuntime`, so nothing the citizen did is changed, and the real runtime
takes over again afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from kiosk.flow.state import State


class TextSize(Enum):
    NORMAL = "normal"
    LARGE = "large"

    @property
    def suffix(self) -> str:
        """How a screenshot's file name says the size: ``NN-name-lv.png`` / ``NN-name-lv-large.png``."""
        return "" if self is TextSize.NORMAL else "-large"


@dataclass(frozen=True)
class Render:
    """One render the tour hands to its sink: the shot's name and number, language, text size."""

    number: int
    name: str
    language: str
    size: TextSize
    help_open: bool = False

    @property
    def label(self) -> str:
        """``NN-name[-help]-lang[-large]``: the screenshot's file stem and the audit's screen name."""
        helped = "-help" if self.help_open else ""
        return f"{self.number:02d}-{self.name}{helped}-{self.language}{self.size.suffix}"


class Sink(Protocol):
    """Takes each render while the app shows it (the driver owns the Kivy loop)."""

    def __call__(self, driver: Any, render: Render) -> None: ...


class ScreenshotSink:
    """Writes every render as ``<out>/<label>.png``."""

    def __init__(self, out_dir: str | Path):
        self.out = Path(out_dir)
        self.written: list[Path] = []

    def __call__(self, driver: Any, render: Render) -> None:
        self.written.append(driver.screenshot(self.out / f"{render.label}.png"))


class HeldRunner:
    """Wraps the runtime's effect runner so a screen that lasts milliseconds can be photographed."""

    def __init__(self, runtime: Any):
        self.runtime = runtime
        self.inner = runtime.runner
        self.held: list[tuple[Any, Any]] = []
        self.holding = False
        runtime.runner = self

    def __call__(self, effect: Any, post: Any) -> None:
        if self.holding:
            self.held.append((effect, post))
        elif self.inner is not None:
            self.inner(effect, post)

    def release(self) -> None:
        self.holding = False
        held, self.held = self.held, []
        for effect, post in held:
            if self.inner is not None:
                self.inner(effect, post)


class FrozenRuntime:
    """A runtime that stays in one state: nothing posted to it moves anything (kiosk.ui.app.RuntimeLink)."""

    def __init__(self, state: State):
        self.state = state

    def subscribe(self, callback: Callable[[State], None]) -> None:
        pass

    def on_effect(self, callback: Callable[[object], None]) -> None:
        pass

    def post(self, event: object) -> None:
        pass

    def press_pin_digit(self, digit: str) -> None:
        pass

    def pump(self, max_events: int = 100) -> int:
        return 0

    def tick(self) -> None:
        pass


SETTLE_FRAMES = 2  # frames for a rebuilt screen to lay out (layouts and textures update on the clock)


class Variants:
    """Shows the current state in other variants (text size, help open) one after another on a
    :class:`FrozenRuntime`; :meth:`close` gives the app back its real runtime and state."""

    def __init__(self, driver: Any):
        self.driver = driver
        self.real = driver.app.runtime
        self.frozen = False

    def show(self, *, large_text: bool, help_open: bool) -> None:
        app, state = self.driver.app, self.real.state
        if not self.frozen and state.accessibility.large_text == large_text and state.help_open == help_open:
            return  # the real state is this variant and is on screen
        variant = replace(state, accessibility=replace(state.accessibility, large_text=large_text),
                          help_open=help_open)
        app.runtime = FrozenRuntime(variant)
        self.frozen = True
        app.render(variant)
        self.driver.step(SETTLE_FRAMES)

    def close(self) -> None:
        if self.frozen:
            app = self.driver.app
            app.runtime = self.real
            app.render(self.real.state)
            self.driver.step(SETTLE_FRAMES)
            self.frozen = False


@contextlib.contextmanager
def variants(driver: Any) -> Iterator[Variants]:
    shown = Variants(driver)
    try:
        yield shown
    finally:
        shown.close()
