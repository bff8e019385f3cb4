"""The catalogue the citizen browses: life situations → services, plus word search.

Search is diacritics-insensitive ("dzivesvieta" finds "dzīvesvieta") and forgiving about
Latvian endings ("dzīvesvietu" finds "dzīvesvietas"): each query word must match the start of
some indexed word, either as typed or with a common case ending removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from wire.services.model import LifeSituation, ServiceDefinition
from wire.services.schema import validate_service, validate_situations

# Longest first, so "iem" is removed before "m".
LV_ENDINGS = tuple(sorted(
    ("iem", "ām", "ēm", "ās", "ēs", "os", "us", "am", "ai", "ei", "as", "es", "is", "a", "e", "i", "s", "u",
     "ā", "ē", "ī", "ū", "o"),
    key=len, reverse=True,
))
WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case without diacritics: "Dzīvesvietas" → "dzivesvietas"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def stem(word: str) -> str:
    """Crude Latvian stem, used only for matching: keeps at least four letters."""
    for folded in _FOLDED_ENDINGS:
        if word.endswith(folded) and len(word) - len(folded) >= 4:
            return word[: -len(folded)]
    return word


_FOLDED_ENDINGS = tuple(fold(e) for e in LV_ENDINGS)


class Catalogue:
    """Immutable view over validated definitions and the life situations."""

    def __init__(self, definitions: Iterable[ServiceDefinition], situations: Iterable[LifeSituation]):
        self._services = {d.id: d for d in definitions}
        self._situations = sorted(situations, key=lambda s: (s.order, s.id))
        self._index = {sid: self._index_words(d) for sid, d in self._services.items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Catalogue:
        """From the gateway's ``GET /v1/catalogue`` document (validated again here: defence in depth)."""
        from wire.services.definitions import DefinitionError

        situations = data.get("life_situations", [])
        problems = [f"life_situations: {p}" for p in validate_situations({"situation": situations})]
        known: set[Any] = {s.get("id") for s in situations if isinstance(s, Mapping)}
        for i, service in enumerate(data.get("services", [])):
            sid = service.get("id", i) if isinstance(service, Mapping) else i
            problems += [f"services[{sid}]: {p}" for p in validate_service(service, known)]
        if problems:
            raise DefinitionError(problems)
        return cls(
            [ServiceDefinition.from_dict(s) for s in data.get("services", [])],
            [LifeSituation.from_dict(s) for s in situations],
        )

    def _index_words(self, d: ServiceDefinition) -> dict[str, dict[str, str]]:
        """Per language: every indexed word → its stem (both computed once, not at each keystroke)."""
        situation_titles = {s.id: s.title for s in self._situations}
        index: dict[str, dict[str, str]] = {}
        for lang in ("lv", "en"):
            texts = [d.title.get(lang), d.description.get(lang), d.institution.get(lang)]
            texts += list(d.keywords_lv if lang == "lv" else d.keywords_en)
            texts += [situation_titles[s].get(lang) for s in d.life_situations if s in situation_titles]
            index[lang] = {w: stem(w) for t in texts for w in words(t)}
        return index

    def life_situations(self) -> list[LifeSituation]:
        """Situations that hold at least one service, in display order."""
        used = {s for d in self._services.values() for s in d.life_situations}
        return [s for s in self._situations if s.id in used]

    def services_in(self, situation_id: str) -> list[ServiceDefinition]:
        found = [d for d in self._services.values() if situation_id in d.life_situations]
        return sorted(found, key=lambda d: fold(d.title.lv))

    def get(self, service_id: str) -> ServiceDefinition:
        """The service; KeyError if the catalogue has no such id."""
        return self._services[service_id]

    def all(self) -> list[ServiceDefinition]:
        return sorted(self._services.values(), key=lambda d: fold(d.title.lv))

    def search(self, text: str, language: str) -> list[ServiceDefinition]:
        """Services matching every word of ``text``; the chosen language's matches rank first."""
        query = words(text)
        if not query:
            return []
        other = "en" if language == "lv" else "lv"
        scored = []
        for sid, index in self._index.items():
            score = 0
            for q in query:
                if _matches(q, index.get(language, {})):
                    score += 2
                elif _matches(q, index.get(other, {})):
                    score += 1
                else:
                    break
            else:
                title = fold(self._services[sid].title.get(language))
                bonus = sum(1 for q in query if stem(q) in title)
                scored.append((-(score + bonus), title, sid))
        return [self._services[sid] for _, _, sid in sorted(scored)]


def _matches(query_word: str, index: Mapping[str, str]) -> bool:
    q_stem = stem(query_word)
    for w, w_stem in index.items():
        if w.startswith(query_word) or (len(q_stem) >= 4 and w_stem.startswith(q_stem)):
            return True
    return False
