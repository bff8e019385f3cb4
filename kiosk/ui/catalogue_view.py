"""The catalogue screen's choices: life situations, the services of one, or search results.

Uses ``kiosk.services.catalogue.Catalogue`` (``life_situations``, ``services_in``, ``search``, ``get``);
pure, so the catalogue screen is tested without a display.
"""

from __future__ import annotations

from collections.abc import Iterable

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
