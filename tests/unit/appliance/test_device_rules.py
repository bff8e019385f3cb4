"""udev and polkit rules: well-formed, and granting exactly what the kiosk needs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
UDEV = sorted((REPO / "config/udev").glob("*.rules"))
POLKIT = sorted((REPO / "config/polkit").glob("*.rules"))
# KEY{attr}=="value" / KEY+="value" / GOTO="x" / LABEL="x"
TOKEN = re.compile(r'^\s*([A-Z_]+(?:\{[^}]+\})?)\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*$')
MATCH_KEYS = {"ACTION", "SUBSYSTEM", "KERNEL", "ATTRS", "ENV", "DRIVERS", "DEVPATH"}


def udev_rules() -> list[list[tuple[str, str, str]]]:
    rules = []
    for path in UDEV:
        for line in path.read_text().splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = []
            for chunk in line.split(", "):
                m = TOKEN.match(chunk)
                assert m, f"{path.name}: cannot parse {chunk!r}"
                parts.append(m.groups())
            rules.append(parts)
    return rules


def test_udev_rules_parse_and_assign_groups_not_world_access() -> None:
    rules = udev_rules()
    assert rules
    for rule in rules:
        for key, op, value in rule:
            base = key.split("{")[0]
            if op in ("==", "!="):
                assert base in MATCH_KEYS, key
            if base == "MODE":
                assert value == "0660"
    groups = {v for r in rules for k, _, v in r if k == "GROUP"}
    assert groups == {"lp", "kiosk", "dialout"}


def test_every_goto_has_its_label() -> None:
    rules = udev_rules()
    gotos = {v for r in rules for k, _, v in r if k == "GOTO"}
    labels = {v for r in rules for k, _, v in r if k == "LABEL"}
    assert gotos <= labels


def test_polkit_rule_names_the_pcsc_actions_and_the_kiosk_user() -> None:
    text = (REPO / "config/polkit/60-pietura-pcsc.rules").read_text()
    assert "org.debian.pcsc-lite.access_pcsc" in text and "org.debian.pcsc-lite.access_card" in text
    assert 'subject.user == "kiosk"' in text and "polkit.Result.YES" in text


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed; JavaScript syntax not checked")
@pytest.mark.parametrize("path", POLKIT, ids=lambda p: p.name)
def test_polkit_rules_behave(path: Path, tmp_path: Path) -> None:
    """Run the rule in node with a tiny polkit stand-in: kiosk is allowed, others fall through."""
    harness = tmp_path / "h.js"
    harness.write_text(
        "let rule; const polkit = {Result: {YES: 'yes'}, addRule: f => { rule = f; }};\n"
        + path.read_text()
        + "\nconst out = [];\n"
        "for (const id of process.argv.slice(2)) for (const user of ['kiosk', 'nobody'])\n"
        "  out.push(rule({id}, {user}) || 'none');\n"
        "console.log(out.join(','));\n")
    actions = re.findall(r'action\.id == "([^"]+)"', path.read_text())
    proc = subprocess.run(["node", str(harness), *actions], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().split(",") == ["yes", "none"] * len(actions)
