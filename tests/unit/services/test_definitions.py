from __future__ import annotations

import re
import shutil
import tomllib

import pytest

from wire.services.definitions import DefinitionError, load_folder, load_life_situations
from wire.services.model import FieldType
from wire.services.schema import NOT_ON_RECEIPT

from .conftest import SERVICES_DIR


def test_all_definitions_load(definitions):
    assert len(definitions) >= 12
    for d in definitions.values():
        assert d.title.lv and d.title.en and d.model_note.lv and d.processing_time.en
        assert d.official_url.startswith("https://")


def test_every_field_type_is_used(definitions):
    used = {f.type for d in definitions.values() for f in d.fields()}
    assert used == set(FieldType)


def test_at_least_three_services_are_conditional(definitions):
    conditional = [d.id for d in definitions.values()
                   if any(s.when for s in d.steps) or any(f.when for f in d.fields())]
    assert len(conditional) >= 3
    assert any(any(s.when for s in d.steps) for d in definitions.values())  # a whole conditional step


def test_forms_are_genuinely_different(definitions):
    shapes = {tuple(f.id for f in d.fields()) for d in definitions.values()}
    assert len(shapes) == len(definitions)


def test_each_file_states_it_is_a_model():
    for path in SERVICES_DIR.glob("*.toml"):
        if path.name == "life-situations.toml":
            continue
        assert "MODEL OF THE REAL FORM" in path.read_text("utf-8"), path.name


def test_identity_prefill_and_latvian_diacritics(definitions):
    for d in definitions.values():
        sources = {f.prefill.value for f in d.fields() if f.prefill}
        assert sources == {"given_name", "surname", "personal_code"}, d.id
    all_lv = " ".join(d.description.lv + d.title.lv for d in definitions.values())
    assert set("āēīūšžņļģ") <= set(all_lv.lower())


def test_summaries_never_hold_personal_or_sensitive_fields(definitions):
    for d in definitions.values():
        for fid in d.summary:
            f = d.field(fid)
            assert f.type not in NOT_ON_RECEIPT and f.privacy is None, (d.id, fid)


def test_life_situations_cover_every_service(definitions):
    ids = {s["id"] for s in load_life_situations(SERVICES_DIR)}
    for d in definitions.values():
        assert set(d.life_situations) <= ids


def _copy(tmp_path):
    target = tmp_path / "services"
    shutil.copytree(SERVICES_DIR, target)
    return target


def test_all_problems_reported_at_once_with_file_and_key_path(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "residence-declaration.toml"
    text = path.read_text("utf-8")
    text = text.replace('version = 1', 'version = 0', 1)
    text = text.replace('type = "yes_no"', 'type = "yesno"', 1)
    text = text.replace('min_date = "today-1y"', 'min_date = "last year"', 1)
    path.write_text(text, "utf-8")
    other = folder / "e-address-activation.toml"
    other.write_text(other.read_text("utf-8").replace("processing_time", "procesing_time", 1), "utf-8")
    with pytest.raises(DefinitionError) as err:
        load_folder(folder)
    problems = err.value.problems
    assert "residence-declaration.toml: version: must be an integer >= 1" in problems
    assert any(p.startswith("residence-declaration.toml: steps[2].fields[4].type: must be one of") for p in problems)
    assert any(p.startswith("residence-declaration.toml: steps[2].fields[1].min_date") for p in problems)
    assert any("e-address-activation.toml: procesing_time: unknown key (did you mean 'processing_time'?)" == p
               for p in problems)
    assert "e-address-activation.toml: processing_time: missing" in problems
    assert err.value.code == "service_definitions_invalid"


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["steps"][0]["fields"].append({"id": "x", "type": "text", "label": {"lv": "X"}}),
     "steps[0].fields[4].label.en: missing or empty"),
    (lambda d: d["steps"][0].__setitem__("when", {"field": "new_address", "equals": "a"}),
     "steps[0].when.field: 'new_address' is not an earlier field"),
    (lambda d: d.__setitem__("summary", ["personal_code"]),
     "summary[0]: 'personal_code' is personal data and cannot be on a receipt"),
    (lambda d: d["steps"][0]["fields"][3]["choices"].append(dict(d["steps"][0]["fields"][3]["choices"][0])),
     "steps[0].fields[3].choices[3].value: duplicate choice 'self'"),
    (lambda d: d.__setitem__("official_url", "https://example.org/x"),
     "official_url: must be an https link to latvija.gov.lv, latvija.lv or a state *.gov.lv site"),
    (lambda d: d["steps"][0]["fields"][0].__setitem__("prefill", "personal_code"),
     "steps[0].fields[0].prefill: personal_code cannot fill a text field"),
    (lambda d: d.__setitem__("life_situations", ["movng"]),
     "life_situations[0]: unknown life situation 'movng' (did you mean 'moving'?)"),
    (lambda d: d["steps"][0]["fields"][3].__setitem__("receipt_label", {"lv": "Deklarē dzīvesvietu"}),
     "steps[0].fields[3].receipt_label.en: missing or empty"),
])
def test_schema_rules(tmp_path, mutate, expected):
    from wire.services.schema import validate_service

    with (SERVICES_DIR / "residence-declaration.toml").open("rb") as fh:
        data = tomllib.load(fh)
    mutate(data)
    problems = validate_service(data, {"moving", "family"})
    assert expected in problems


def test_id_must_match_file_name(tmp_path):
    folder = _copy(tmp_path)
    (folder / "residence-declaration.toml").rename(folder / "declaring.toml")
    with pytest.raises(DefinitionError) as err:
        load_folder(folder)
    assert "declaring.toml: id: 'residence-declaration' must match the file name 'declaring'" in err.value.problems


def test_broken_toml_is_reported_not_raised_raw(tmp_path):
    folder = _copy(tmp_path)
    (folder / "broken.toml").write_text("id = [", "utf-8")
    with pytest.raises(DefinitionError) as err:
        load_folder(folder)
    assert any(p.startswith("broken.toml: cannot read") for p in err.value.problems)


RECEIPT_LABEL_MAX = 28  # "label: value" stays on one line of a 42-column receipt for most values


def test_every_summary_field_has_a_short_receipt_label():
    """The receipt prints a short label, not the question ("Kuras personas dzīvesvietu deklarējat?")."""
    checked = 0
    for path in sorted(SERVICES_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        fields = {f["id"]: f for step in data.get("steps", []) for f in step["fields"]}
        for field_id in data.get("summary", []):
            label = fields[field_id].get("receipt_label")
            assert label is not None, f"{path.name}: summary field {field_id!r} has no receipt_label"
            for lang in ("lv", "en"):
                text = label[lang]
                assert len(text) <= RECEIPT_LABEL_MAX and not text.endswith(("?", ":")), (path.name, field_id, text)
            checked += 1
    assert checked >= 20


def _latvian_texts(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "lv" and isinstance(value, str):
                yield value
            else:
                yield from _latvian_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _latvian_texts(item)


def test_latvian_texts_use_latvian_quotes_and_address_everyone():
    """„…” around quoted words; no masculine-only forms put in the citizen's mouth or addressed to them."""
    masculine = re.compile(r"\b(esat|esmu|neesat|neesmu)\s+(\w+\s+)?\w+(is|ies|ts|ams)\b|\bkurš kopj\b", re.I)
    texts = [t for path in sorted(SERVICES_DIR.glob("*.toml"))
             for t in _latvian_texts(tomllib.loads(path.read_text(encoding="utf-8")))]
    assert len(texts) > 300
    assert not [t for t in texts if "“" in t or '"' in t]
    assert not [t for t in texts if masculine.search(t)]


@pytest.mark.parametrize("language", ["lv", "en"])
def test_an_optional_field_says_so_once_in_the_words_the_question_page_uses(definitions, language):
    """A label that says a field is optional uses the question page's own marker, so the page does not add
    it a second time ("Tālrunis (nav obligāts)" had "(nav obligāti)" under it)."""
    from kiosk.i18n import Translator

    marker = Translator(language).gettext("(optional)")
    said = {"lv": "obligāt", "en": "optional"}[language]
    for definition in definitions.values():
        for field in definition.fields():
            label = field.label.get(language)
            if said in label.casefold():
                assert not field.required and marker in label, (definition.id, field.id, label)
