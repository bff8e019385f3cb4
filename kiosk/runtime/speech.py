"""Speech output through espeak-ng, in the session's language (EN 301 549 5.1.3).

Why a port of its own: speech must be interruptible (a new utterance or ``stop()`` kills the running
one), repeatable (``repeat()`` says the last screen text again), must never say a PIN digit or a
personal code (``say_digit_entered`` is the only thing the PIN pad speaks, and ``speak`` drops
anything shaped like a personal code), and must reset the volume after each session.

``render_wav`` writes the same speech to a WAV file, so tests can check real audio, not a log line.
Processes are started with a timeout for rendering and killed on ``stop``; nothing here imports Kivy.
"""

from __future__ import annotations

import math
import re
import shutil
import struct
import subprocess
import threading
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from drivers.errors import Action, PieturaError

VOICES = {"lv": "lv", "en": "en-gb"}
DEFAULT_RATE = 150  # words per minute; slower than espeak's 175 for first-time users
DEFAULT_AMPLITUDE = 100  # espeak-ng -a 0..200; 100 is its own default
MAX_AMPLITUDE = 180
RENDER_TIMEOUT_S = 20.0

# Personal codes (old: DDMMYY-NNNNN, new: 32xxxx-xxxxx) and any run of 4+ digits that could be one.
_PERSONAL_CODE = re.compile(r"\b\d{6}-?\d{5}\b")
DIGIT_ENTERED = {"lv": "Cipars ievadīts", "en": "Digit entered"}
# The take-card tone: two short soft beeps (880 Hz, then 660 Hz), played by ALSA's aplay (alsa-utils).
TONE_PLAYER = ("aplay", "-q")
TONE_RATE = 16000


class SpeechError(PieturaError):
    """espeak-ng missing or failing; the UI keeps working without speech."""

    action = Action.CALL_STAFF


def _speech_error(code: str, message: str) -> SpeechError:
    return SpeechError(code, message)


def scrub(text: str) -> str:
    """Remove anything shaped like a personal code before it reaches a speaker."""
    return _PERSONAL_CODE.sub("", text)


@dataclass
class SpeechSettings:
    rate: int = DEFAULT_RATE
    amplitude: int = DEFAULT_AMPLITUDE


class Speech:
    """espeak-ng speech: ``speak``/``stop``/``repeat``, plus WAV rendering for tests.

    ``popen`` is injectable so unit tests can see the command line without a sound card; the default
    plays through espeak-ng's own audio output.
    """

    def __init__(
        self,
        executable: str = "espeak-ng",
        settings: SpeechSettings | None = None,
        popen: Callable[..., subprocess.Popen[bytes]] = subprocess.Popen,
        tone_popen: Callable[..., subprocess.Popen[bytes]] = subprocess.Popen,
        tone_file: Path | None = None,
    ) -> None:
        self.executable = executable
        self._tone_popen = tone_popen
        self._tone_file = tone_file
        self._tone_proc: subprocess.Popen[bytes] | None = None
        self.settings = settings or SpeechSettings()
        self._defaults = SpeechSettings(self.settings.rate, self.settings.amplitude)
        self._popen = popen
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.last: tuple[str, str] | None = None

    # -- commands ---------------------------------------------------------------------------------
    def command(self, text: str, language: str, wav: Path | None = None) -> list[str]:
        voice = VOICES.get(language, language)
        cmd = [self.executable, "-v", voice, "-s", str(self.settings.rate), "-a", str(self.settings.amplitude)]
        if wav is not None:
            cmd += ["-w", str(wav)]
        return [*cmd, "--", scrub(text)]

    def available(self) -> bool:
        return shutil.which(self.executable) is not None

    # -- speaking ---------------------------------------------------------------------------------
    def speak(self, text: str, language: str) -> None:
        """Stop whatever is being said and say ``text`` (5.1.3.5: new speech stops the old)."""
        text = scrub(text).strip()
        self.stop()
        if not text:
            return
        self.last = (text, language)
        try:
            proc = self._popen(
                self.command(text, language), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise _speech_error("speech_unavailable", f"cannot start {self.executable}: {exc.strerror}") from None
        with self._lock:
            self._proc = proc

    def say_digit_entered(self, language: str) -> None:
        """The only feedback the PIN pad gives through the speaker; never the digit (5.1.3.8)."""
        saved = self.last
        self.speak(DIGIT_ENTERED.get(language, DIGIT_ENTERED["en"]), language)
        self.last = saved  # "repeat" still repeats the screen, not the beep-word

    def stop(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=1.0)

    def tone(self) -> bool:
        """Play the take-card tone once (without waiting). False when no player is there: the screen still
        shows and says "take your card"; a missing tone is never an error for the citizen."""
        if self._tone_proc is not None and self._tone_proc.poll() is None:
            return True  # the last one is still sounding
        if self._tone_file is None or not self._tone_file.exists():
            import tempfile

            self._tone_file = write_tone(Path(tempfile.mkdtemp(prefix="pietura-tone-")) / "take-card.wav")
        try:
            self._tone_proc = self._tone_popen([*TONE_PLAYER, str(self._tone_file)], stdin=subprocess.DEVNULL,
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:
            return False
        return True

    def repeat(self) -> None:
        if self.last is not None:
            self.speak(*self.last)

    def speaking(self) -> bool:
        with self._lock:
            return self._proc is not None and self._proc.poll() is None

    # -- volume -----------------------------------------------------------------------------------
    def louder(self, step: int = 20) -> None:
        self.settings.amplitude = min(MAX_AMPLITUDE, self.settings.amplitude + step)

    def reset(self) -> None:
        """Session end: silence, forget the last text, volume and rate back to defaults (5.1.3.13)."""
        self.stop()
        self.last = None
        self.settings.rate = self._defaults.rate
        self.settings.amplitude = self._defaults.amplitude

    # -- rendering (tests, previews) --------------------------------------------------------------
    def render_wav(self, text: str, language: str, path: Path) -> Path:
        """Write the speech for ``text`` to a WAV file, exactly as ``speak`` would say it."""
        path = Path(path)
        try:
            subprocess.run(
                self.command(text, language, wav=path), check=True, timeout=RENDER_TIMEOUT_S,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
        except FileNotFoundError:
            raise _speech_error("speech_unavailable", f"{self.executable} not installed") from None
        except subprocess.TimeoutExpired:
            raise _speech_error("speech_timeout", "speech rendering timed out") from None
        except subprocess.CalledProcessError as exc:
            raise _speech_error("speech_failed", f"{self.executable} exited {exc.returncode}") from None
        return path


def tone_samples(amplitude: float = 0.35) -> list[int]:
    """16-bit samples of the take-card tone: 880 Hz for 0.18 s, a pause, 660 Hz for 0.18 s, soft edges."""
    out: list[int] = []
    for freq, secs in ((880.0, 0.18), (0.0, 0.08), (660.0, 0.18)):
        n = int(TONE_RATE * secs)
        for i in range(n):
            edge = min(1.0, i / 160, (n - i) / 160)  # 10 ms ramps: no click
            value = math.sin(2 * math.pi * freq * i / TONE_RATE) if freq else 0.0
            out.append(int(32767 * amplitude * edge * value))
    return out


def write_tone(path: Path) -> Path:
    """The take-card tone as a mono 16 kHz WAV file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    samples = tone_samples()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(TONE_RATE)
        w.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return path


def join_utterances(parts: Sequence[str]) -> str:
    """One utterance from several screen texts, with sentence pauses between them."""
    cleaned = [p.strip().rstrip(".") for p in parts if p and p.strip()]
    return ". ".join(cleaned) + ("." if cleaned else "")
