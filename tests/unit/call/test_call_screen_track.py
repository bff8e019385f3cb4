"""The shared screen's parts in one process: its size, what is held and when, and the track that sends it
only while shared (the browser test in tests/integration/calls/test_call_screen_share.py is the real one)."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from kiosk.call.media import ScreenTrack, bands_image, bands_match, is_blank
from kiosk.call.video import BLANK_RGB, LatestFrames, ScreenShare, fit_screen


@pytest.mark.parametrize(("size", "fitted"), [((800, 480), (800, 480)), ((1280, 800), (1152, 720)),
                                              ((720, 1280), (404, 720)), ((1920, 1080), (1280, 720)),
                                              ((801, 481), (800, 480))])
def test_the_shared_picture_fits_1280x720_with_even_sides(size, fitted):
    assert fit_screen(*size) == fitted


def test_pictures_are_held_only_while_shared_and_dropped_at_the_end():
    share = ScreenShare()
    share.put(4, 2, bytes(24))
    assert share.latest() is None  # not shared: not even kept
    share.start()
    share.put_blank(4, 2)
    assert share.latest().rgb == bytes(BLANK_RGB) * 8
    frames = LatestFrames()
    frames.screen.start()
    frames.screen.put(4, 2, bytes(24))
    frames.clear()  # the call's end or the wipe
    assert frames.screen.latest() is None and not frames.screen.on


def test_the_track_sends_nothing_until_shared_then_the_picture_scaled():
    async def scenario():
        share = ScreenShare()
        track = ScreenTrack(share, fps=5)
        pending = asyncio.ensure_future(track.recv())
        await asyncio.sleep(0.5)
        assert not pending.done()  # nothing shared: no frame, so no packet
        share.start()
        share.put(1280, 800, bands_image(1280, 800).tobytes())
        frame = await asyncio.wait_for(pending, 2)
        second = await asyncio.wait_for(track.recv(), 2)
        share.stop()
        track.stop()
        return frame, second

    frame, second = asyncio.run(scenario())
    assert (frame.width, frame.height) == (1152, 720)
    assert bands_match(frame.to_ndarray(format="rgb24")) and not is_blank(frame.to_ndarray(format="rgb24"))
    assert second.pts - frame.pts >= 90000 // 5 * 0.9  # at most five a second


def test_blank_and_bands_are_told_apart():
    blank = np.full((90, 160, 3), BLANK_RGB, dtype=np.uint8)
    assert is_blank(blank) and not bands_match(blank)
