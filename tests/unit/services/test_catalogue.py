from __future__ import annotations

import json

import pytest

from kiosk.services.catalogue import Catalogue, fold
from wire.services.definitions import DefinitionError


def ids(services):
    return [s.id for s in services]


@pytest.mark.parametrize("query, language, expected", [
    ("dzivesvieta", "lv", "residence-declaration"),
    ("Dzīvesvietas deklarēšana", "lv", "residence-declaration"),
    ("dzīvesvietu", "lv", "residence-declaration"),
    ("DZIVESVIETAS IZZINA", "lv", "residence-certificate"),
    ("bernudarzs", "lv", "kindergarten-queue"),
    ("kindergarten", "en", "kindergarten-queue"),
    ("pensija", "lv", "old-age-pension"),
    ("pension", "en", "old-age-pension"),
    ("bezdarbnieks", "lv", "unemployed-registration"),
    ("nozagta pase", "lv", "lost-id-report"),
    ("e-adrese", "lv", "e-address-activation"),
    ("trusted person tax", "en", "eds-trusted-person"),
    ("sudziba", "lv", "municipal-application"),
    ("passport appointment", "en", "passport-appointment"),
    ("GMI", "en", "social-assistance"),
    ("vecaku pabalsts", "lv", "parental-benefit"),
])
def test_search_finds(catalogue, query, language, expected):
    found = ids(catalogue.search(query, language))
    assert found and found[0] == expected, found


def test_search_other_language_still_matches_but_ranks_lower(catalogue):
    assert "old-age-pension" in ids(catalogue.search("pension", "lv"))


def test_search_requires_every_word(catalogue):
    assert catalogue.search("pension kindergarten", "en") == []
    assert catalogue.search("   ", "lv") == []


def test_fold():
    assert fold("Dzīvesvieta ĀĒĪŪ Ķ Ļ Ņ Š Ž Č Ģ") == "dzivesvieta aeiu k l n s z c g"


def test_situations_and_services(catalogue):
    situations = [s.id for s in catalogue.life_situations()]
    assert situations[0] == "moving"
    assert set(ids(catalogue.services_in("moving"))) == {"residence-declaration", "residence-certificate"}
    assert catalogue.get("old-age-pension").institution.en.startswith("State Social Insurance")
    with pytest.raises(KeyError):
        catalogue.get("no-such-service")
    assert catalogue.services_in("no-such-situation") == []


def test_from_json_roundtrip_and_validation(document):
    again = Catalogue.from_json(json.loads(json.dumps(document)))
    assert len(again.all()) == len(document["services"])
    broken = json.loads(json.dumps(document))
    broken["services"][0]["steps"][0]["fields"][0]["type"] = "mystery"
    with pytest.raises(DefinitionError) as err:
        Catalogue.from_json(broken)
    assert any("steps[0].fields[0].type" in p for p in err.value.problems)
