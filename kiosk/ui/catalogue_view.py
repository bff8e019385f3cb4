"""The catalogue screen's choices: life situations, the services of one, or search results.

Uses ``kiosk.services.catalogue.Catalogue`` (``life_situations``, ``services_in``, ``search``, ``get``);
pure, so the catalogue screen is tested without a display.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kiosk.flow import events as ev
from kiosk.flow.state import State
from kiosk.i18n import Translator
from kiosk.services.catalogue import Catalogue
from kiosk.ui.viewmodel import Button
from wire.services.model import ServiceDefinition

MAX_RESULTS = 8


def service_of(catalogue: Catalogue | None, service_id: str | None) -> ServiceDefinition | None:
    if catalogue is None or not service_id:
        return None
    try:
        return catalogue.get(service_id)
    except KeyError:
        return None


def _service_buttons(services: Iterable[ServiceDefinition], language: str) -> tuple[Button, ...]:
    return tuple(
        Button(f"service-{s.id}", s.title.get(language), ev.ChooseService(s.id), kind="choice",
               detail=s.institution.get(language))
        for s in services
    )


def catalogue_choices(state: State, tr: Translator) -> tuple[str, tuple[Button, ...], str]:
    """(heading, buttons, message when nothing is there) for the catalogue screen."""
    _ = tr.gettext
    lang = tr.language
    cat = state.catalogue
    if cat is None:
        return _("What do you need to do?"), (), _("Loading the list of e-services…")
    if state.search_text:
        found = cat.search(state.search_text, lang)[:MAX_RESULTS]
        heading = _("Search results")
        empty = "" if found else _("Nothing found. Try another word or choose a life situation.")
        return heading, _service_buttons(found, lang), empty
    if state.situation_id:
        situation = next((s for s in cat.life_situations() if s.id == state.situation_id), None)
        heading = situation.title.get(lang) if situation else _("E-services")
        services = cat.services_in(state.situation_id)
        return heading, _service_buttons(services, lang), "" if services else _("No e-services here yet.")
    buttons = tuple(
        Button(f"situation-{s.id}", s.title.get(lang), ev.ChooseSituation(s.id), kind="choice",
               detail=s.description.get(lang))
        for s in cat.life_situations()
    )
    return _("What do you need to do?"), buttons, ""


# -- how the choices are laid out on the panel -----------------------------------------------------------------

FIRST_PAGE_CHOICES = 4  # the choices page 1 should show below the heading and the search field


@dataclass(frozen=True)
class TileLayout:
    """How the catalogue's choice tiles are drawn: in ``columns`` columns, with or without their description
    (on a short panel only the title is on the tile; the description stays in the view for speech and help)."""

    columns: int
    details: bool


def first_page_choices(room: float, above: float, gap: float, rows: Sequence[float], columns: int,
                       count: int) -> int:
    """How many of ``count`` choices in rows of ``rows`` heights page 1 shows below ``above`` pixels."""
    used, shown = above, 0
    for i, height in enumerate(rows):
        if used + gap + height > room:
            break
        used += gap + height
        shown = min(count, (i + 1) * columns)
    return shown


def tile_layout(room: float, above: tuple[float, float], gap: float, count: int, two_columns_fit: bool,
                row_heights: Callable[[int, bool], Sequence[float]]) -> TileLayout:
    """The layout in which page 1 shows ``FIRST_PAGE_CHOICES`` choices (or all, if fewer) with their
    descriptions; where none does, the one with titles only that shows the most (two columns on a tie).

    ``room`` is the page's height; ``above`` what the search field, heading and lines take with the
    descriptions and without them (then the heading sits beside the field); ``gap`` the space between
    parts; ``row_heights(columns, details)`` the heights of the rows of tiles. Two columns only where every
    title's longest word fits half the width."""
    options = (2, 1) if two_columns_fit else (1,)
    wanted = min(count, FIRST_PAGE_CHOICES)
    for columns in options:
        if first_page_choices(room, above[0], gap, row_heights(columns, True), columns, count) >= wanted:
            return TileLayout(columns, True)
    best = max(options, key=lambda c: (first_page_choices(room, above[1], gap, row_heights(c, False), c, count), c))
    return TileLayout(best, False)
