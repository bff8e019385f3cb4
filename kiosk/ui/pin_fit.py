"""What the PIN pad's text column holds when it has to fit beside the keys: pure arithmetic, no Kivy.

The PIN screen never pages (a citizen with a card in the reader must see at once what to type and
how many tries remain). Its text column is measured part by part; when the parts are taller than the
room, the column gives up what matters least, one step at a time (:data:`STEPS`): the greeting or
"Step 1 of 3", the problem's explanation (its title stays), the prompt (the title says what to type),
the title's larger size, the last-try warning's long sentence ("Last try!" stays, speech reads the
whole), the title's bold, "Change PIN1", and only then the problem's title. The title, the dots and the tries left (or
the last-try warning) are never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum


class Part(Enum):
    """The parts of the text column, in the order they are shown."""

    TITLE = "title"
    DOTS = "dots"
    WARNING = "warning"  # the last-try warning (a panel), or the plain tries left
    NOTICE = "notice"
    LEAD = "lead"  # the lines before the last: a greeting, "Step 1 of 3"
    PROMPT = "prompt"  # the last line: how many digits, then OK
    SERVICE = "service"  # "Change PIN1"


@dataclass(frozen=True)
class Step:
    """One way to make the column shorter: ``drop`` the part, or show its next (shorter) form."""

    part: Part
    drop: bool = False


STEPS: tuple[Step, ...] = (
    Step(Part.LEAD, drop=True),
    Step(Part.NOTICE),  # the problem's title only
    Step(Part.PROMPT, drop=True),
    Step(Part.TITLE),  # the title at body size, still bold
    Step(Part.WARNING),  # "Last try!"
    Step(Part.TITLE),  # the title at body size, not bold (it keeps its place and colour)
    Step(Part.SERVICE, drop=True),
    Step(Part.NOTICE, drop=True),  # last: beside the last-try warning, which says what went wrong
)


def total(heights: Mapping[Part, Sequence[float]], chosen: Mapping[Part, int | None], gap: float) -> float:
    """The column's height: the chosen form of every part shown, with ``gap`` between parts."""
    shown = [heights[p][i] for p, i in chosen.items() if i is not None and heights.get(p)]
    return sum(shown) + gap * max(len(shown) - 1, 0)


def fit(heights: Mapping[Part, Sequence[float]], room: float, gap: float) -> dict[Part, int | None]:
    """Which form of each part to show (0 the fullest; None: left out) so that the column fits ``room``.

    ``heights`` gives each present part's height in each of its forms, fullest first (a part with one
    form cannot be shortened). The steps are taken in order only as long as the column is too tall; if
    it is still too tall after all of them, the required parts are shown anyway (the layout audit
    reports it)."""
    chosen: dict[Part, int | None] = {p: 0 for p in Part if heights.get(p)}
    taken: list[tuple[Part, int | None]] = []  # each step taken, with the part's form before it
    for step in STEPS:
        if total(heights, chosen, gap) <= room:
            break
        before = chosen.get(step.part)
        if before is None:
            continue
        if step.drop:
            chosen[step.part] = None
        elif before + 1 < len(heights[step.part]):
            chosen[step.part] = before + 1
        else:
            continue
        taken.append((step.part, before))
    # A later step may have made room that an earlier one was not needed for (a title that fits only
    # in its smaller size): undo the steps, the last first, that the column can do without.
    for part, before in reversed(taken):
        after = chosen[part]
        chosen[part] = before
        if total(heights, chosen, gap) > room:
            chosen[part] = after
    return chosen
