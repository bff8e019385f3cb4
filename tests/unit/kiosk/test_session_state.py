"""The kiosk's word for the update service: which states count as a session, and how the file is written."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.flow.state import Screen, initial_state
from kiosk.runtime.session_state import Presence, SessionStateFile, presence
from kiosk.update.policy import Activity, InstallDecision, install_decision
from kiosk.update.service import session_running


@pytest.mark.parametrize("screen", list(Screen))
def test_every_screen_but_welcome_and_out_of_order_is_a_session(screen: Screen) -> None:
    state = replace(initial_state(), screen=screen)
    expected = Presence.IDLE if screen in (Screen.WELCOME, Screen.OUT_OF_ORDER) else Presence.SESSION
    assert presence(state) is expected


def test_a_card_in_the_reader_is_a_session_even_on_the_welcome_screen() -> None:
    assert presence(replace(initial_state(), card_present=True)) is Presence.SESSION


def test_written_on_change_only_readable_and_read_by_the_update_service(tmp_path: Path) -> None:
    path = tmp_path / "session-state"
    writer = SessionStateFile(path)
    writer(initial_state())
    assert path.read_text() == "idle\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # the update service is not the owner
    assert not session_running(path)
    assert install_decision(Activity(session_running=session_running(path))) is InstallDecision.INSTALL
    first = path.stat().st_ino
    writer(replace(initial_state(), screen=Screen.WELCOME))  # the same word: not written again
    assert path.stat().st_ino == first
    writer(replace(initial_state(), screen=Screen.PIN, card_present=True))
    assert path.read_text() == "session\n"
    assert path.stat().st_ino != first  # replaced by a rename, never rewritten in place
    assert session_running(path)
    assert install_decision(Activity(session_running=session_running(path))) is InstallDecision.WAIT_SESSION
    assert [p.name for p in tmp_path.iterdir()] == ["session-state"]  # no temporary file left behind
    writer.clear()
    assert not path.exists()
    assert session_running(path)  # unknown counts as a session


def test_a_failed_write_is_tried_again_with_the_next_state(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    path = folder / "session-state"
    writer = SessionStateFile(path)
    if os.geteuid() == 0:  # root ignores a read-only folder: make the target a folder so the rename fails
        path.mkdir()
        writer(initial_state())
        assert path.is_dir()
        path.rmdir()
    else:
        folder.chmod(0o500)
        writer(initial_state())
        folder.chmod(0o700)
        assert not path.exists()
    assert [p.name for p in folder.iterdir()] == []  # the temporary file is gone too
    writer(initial_state())  # the same word, but not written yet: tried again
    assert path.read_text() == "idle\n"


def test_without_the_folder_nothing_is_written(tmp_path: Path) -> None:
    writer = SessionStateFile(tmp_path / "missing" / "session-state")
    writer(initial_state())
    writer(replace(initial_state(), screen=Screen.PIN))
    assert not (tmp_path / "missing").exists()
