"""The specialist console in a real headless Chromium (Debian's package) with fake media devices: the
``browser`` fixture (conftest.py), its test camera and microphone, and signing a specialist in."""

from __future__ import annotations

import asyncio
import shutil
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from av import VideoFrame

from kiosk.call.media import bars_image
from tests.integration.calls.conftest import PASSWORD, Specialists

BROWSER_TONE_HZ = 660.0
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def write_y4m(path: Path, width: int = 640, height: int = 480, fps: int = 15) -> None:
    planes = VideoFrame.from_ndarray(bars_image(width, height, 2), format="rgb24").reformat(
        format="yuv420p").to_ndarray()
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(fps):
            out.write(b"FRAME\n" + planes.tobytes())


def write_wav(path: Path, frequency: float, rate: int = 48000, seconds: int = 2) -> None:
    n = np.arange(rate * seconds)
    samples = (np.sin(2 * np.pi * frequency * n / rate) * 0.3 * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())


def chromium(tmp_path: Path):
    """A headless Chromium whose camera shows the colour bars and whose microphone plays ``BROWSER_TONE_HZ``."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail("chromium and chromium-driver are not installed (make deps installs the Makefile's DEBS)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    write_y4m(tmp_path / "camera.y4m")
    write_wav(tmp_path / "microphone.wav", BROWSER_TONE_HZ)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--use-fake-ui-for-media-stream",
                     "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required",
                     f"--use-file-for-fake-video-capture={tmp_path / 'camera.y4m'}",
                     f"--use-file-for-fake-audio-capture={tmp_path / 'microphone.wav'}",
                     f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_script_timeout(10)
    try:
        yield driver
    finally:
        driver.quit()


async def until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.25)




def sign_in(driver, base_url: str, people: Specialists, institution: str = "VSAA") -> str:
    """A new specialist of ``institution`` signs in on the console page (password + TOTP); returns the user."""
    from selenium.webdriver.common.by import By

    user = people.add(institution)
    driver.get(base_url + "/console")
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "code").send_keys(people.code(user))
    driver.find_element(By.ID, "sign-in-button").click()
    return user


async def signed_in(driver, base_url: str, people: Specialists) -> str:
    """``sign_in`` from a coroutine, once the page's script is ready, until the queue shows."""

    def js(script: str):
        return asyncio.to_thread(driver.execute_script, script)

    await asyncio.to_thread(driver.get, base_url + "/console")
    await until(lambda: js("return window.pietura && window.pietura.view === 'sign-in'"), 10, "sign-in form")
    user = await asyncio.to_thread(sign_in, driver, base_url, people)
    await until(lambda: js("return window.pietura.view === 'queue'"), 10, "the queue after sign-in")
    return user
