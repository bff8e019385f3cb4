"""kioskctl assembles its sub-commands from one typed table: every command answers --help, and
every command a technician can type reaches a function that runs it."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from kiosk.provisioning.cli import SUBCOMMANDS, build_parser

EXPECTED = ["config", "test-card", "test-print", "doctor", "status", "provision", "enroll", "firstboot",
            "heartbeat", "update", "verify-edoc", "test-sign"]


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    children = _subparsers(parser)
    if not children:
        yield path, parser
    for name, child in children.items():
        yield from _leaves(child, (*path, name))


def test_help_lists_every_command_in_table_order():
    assert list(_subparsers(build_parser())) == EXPECTED
    assert len(SUBCOMMANDS) == len(EXPECTED)


def test_every_command_reaches_a_function():
    leaves = list(_leaves(build_parser()))
    assert {path for path, _ in leaves} >= {("config", "check"), ("config", "keys"), ("test-card",)}
    for path, parser in leaves:
        assert callable(parser.get_default("func")), path


def test_kioskctl_help_from_a_fresh_interpreter():
    proc = subprocess.run([sys.executable, "-m", "kiosk.provisioning.cli", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: kioskctl")
    for command in EXPECTED:
        assert f"\n    {command}" in proc.stdout


@pytest.mark.parametrize("command", [["config"], ["config", "check"], ["config", "keys"],
                                     *[[c] for c in EXPECTED[1:]]])
def test_help_of_each_command_exits_cleanly(command, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([*command, "--help"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: kioskctl {' '.join(command)}")


def test_a_command_without_its_sub_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["config"])
    assert exc.value.code == 2
    assert "config_command" in capsys.readouterr().err


# What a kiosk image carries of the project (image_build/stage.py): no gateway, no dev tools.
_IMAGE_ONLY = ("import sys\n"
               "for name in ('gateway', 'devtools'):\n"
               "    sys.modules[name] = None  # an import of it fails as it would in the image\n"
               "sys.argv = ['kioskctl', {args}]\n"
               "from kiosk.provisioning.cli import main\n"
               "sys.exit(main())\n")


def test_kioskctl_loads_without_the_gateway_and_dev_tools():
    """kioskctl is the technician's tool on the image, where the gateway package is absent."""
    done = subprocess.run([sys.executable, "-c", _IMAGE_ONLY.format(args="'--help'")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "test-sign" in done.stdout


def test_test_sign_says_what_it_needs_without_the_gateway(tmp_path):
    paper = tmp_path / "a.txt"
    paper.write_text("x")
    args = f"'test-sign', '--emulator', '--file', '{paper}', '--out', '{tmp_path / 'a.edoc'}'"
    done = subprocess.run([sys.executable, "-c", _IMAGE_ONLY.format(args=args)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert "embedded gateway" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "a.edoc").exists()
