"""Speech port: real espeak-ng renders WAV files; checks their content and length, and privacy rules."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from kiosk.runtime.speech import DIGIT_ENTERED, Speech, SpeechError, join_utterances, scrub

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")


def wav_info(path: Path) -> tuple[float, int, bytes]:
    with wave.open(str(path)) as w:
        frames = w.readframes(w.getnframes())
        return w.getnframes() / w.getframerate(), w.getsampwidth(), frames


def peak(frames: bytes) -> int:
    import array

    samples = array.array("h", frames)
    return max(abs(s) for s in samples) if samples else 0


@needs_espeak
@pytest.mark.parametrize("language,text", [("lv", "Ievietojiet savu eID karti."), ("en", "Insert your eID card.")])
def test_render_wav_has_audible_speech_of_plausible_length(tmp_path, language, text):
    out = Speech().render_wav(text, language, tmp_path / "s.wav")
    seconds, width, frames = wav_info(out)
    assert width == 2
    # four or five words at 150 wpm: between one and five seconds of audio
    assert 0.8 < seconds < 5.0
    assert peak(frames) > 3000  # not silence


@needs_espeak
def test_longer_text_gives_longer_audio_and_rate_changes_length(tmp_path):
    sp = Speech()
    short = wav_info(sp.render_wav("Labdien.", "lv", tmp_path / "a.wav"))[0]
    long = wav_info(sp.render_wav("Labdien. Lūdzu, ievadiet PIN1 kodu un nospiediet Apstiprināt.", "lv",
                                  tmp_path / "b.wav"))[0]
    assert long > 2 * short
    sp.settings.rate = 300
    fast = wav_info(sp.render_wav("Labdien. Lūdzu, ievadiet PIN1 kodu un nospiediet Apstiprināt.", "lv",
                                  tmp_path / "c.wav"))[0]
    assert fast < long * 0.75


@needs_espeak
def test_language_selects_a_different_voice(tmp_path):
    sp = Speech()
    lv = wav_info(sp.render_wav("Paldies", "lv", tmp_path / "lv.wav"))[2]
    en = wav_info(sp.render_wav("Paldies", "en", tmp_path / "en.wav"))[2]
    assert lv != en


@needs_espeak
def test_personal_code_is_never_rendered(tmp_path):
    sp = Speech()
    with_code = wav_info(sp.render_wav("Kods 010203-12345", "lv", tmp_path / "a.wav"))[0]
    without = wav_info(sp.render_wav("Kods", "lv", tmp_path / "b.wav"))[0]
    assert abs(with_code - without) < 0.3  # eleven digits would add several seconds


@needs_espeak
def test_digit_entered_is_the_same_audio_whatever_the_digit(tmp_path):
    # The PIN pad only ever speaks "digit entered": the text has no digit in it at all.
    for lang, text in DIGIT_ENTERED.items():
        assert not any(ch.isdigit() for ch in text)
        seconds = wav_info(Speech().render_wav(text, lang, tmp_path / f"{lang}.wav"))[0]
        assert 0.4 < seconds < 3.0


def test_scrub_removes_personal_codes_only():
    assert scrub("Kods 010203-12345 un 32123456789.") == "Kods  un ."
    assert scrub("Atsauce AB-1234") == "Atsauce AB-1234"


class FakeProc:
    def __init__(self, cmd, **_):
        self.cmd = cmd
        self.terminated = False

    def poll(self):
        return 0 if self.terminated else None

    def terminate(self):
        self.terminated = True

    def wait(self, timeout=None):
        return 0

    def kill(self):
        self.terminated = True


def test_new_speech_interrupts_old_and_repeat_says_last_screen_again():
    started: list[FakeProc] = []

    def popen(cmd, **kw):
        started.append(FakeProc(cmd, **kw))
        return started[-1]

    sp = Speech(popen=popen)
    sp.speak("Sveiki", "lv")
    sp.speak("Welcome", "en")
    assert started[0].terminated and not started[1].terminated
    assert started[1].cmd[:3] == ["espeak-ng", "-v", "en-gb"]
    sp.say_digit_entered("en")
    assert started[2].cmd[-1] == "Digit entered"
    sp.repeat()
    assert started[3].cmd[-1] == "Welcome"
    sp.stop()
    assert started[3].terminated and not sp.speaking()


def test_reset_restores_volume_and_forgets_last_text():
    sp = Speech(popen=lambda cmd, **kw: FakeProc(cmd))
    sp.louder()
    sp.louder()
    sp.speak("Labdien, Jānis", "lv")
    assert "-a" in sp.command("x", "lv") and sp.settings.amplitude == 140
    sp.reset()
    assert sp.settings.amplitude == 100 and sp.last is None
    sp.repeat()  # nothing to repeat after a session ends
    assert sp.last is None


def test_missing_executable_is_a_classified_error(tmp_path):
    sp = Speech(executable="/nonexistent/espeak-ng")
    with pytest.raises(SpeechError) as err:
        sp.render_wav("x", "lv", tmp_path / "x.wav")
    assert err.value.code == "speech_unavailable"
    with pytest.raises(SpeechError):
        sp.speak("x", "lv")


def test_join_utterances():
    assert join_utterances(["Sveiki.", "", "Ievietojiet karti"]) == "Sveiki. Ievietojiet karti."
    assert join_utterances([]) == ""


def test_espeak_lists_latvian_voice():
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng not installed")
    out = subprocess.run(["espeak-ng", "--voices=lv"], capture_output=True, text=True, timeout=10).stdout
    assert " lv " in out


def test_take_card_tone_is_two_audible_beeps_at_880_and_660_hz(tmp_path):
    from kiosk.runtime.speech import TONE_RATE, write_tone

    path = write_tone(tmp_path / "tone.wav")
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, TONE_RATE)
        frames = w.readframes(w.getnframes())
    import struct

    samples = struct.unpack(f"<{len(frames) // 2}h", frames)
    first, second = samples[: int(TONE_RATE * 0.18)], samples[int(TONE_RATE * 0.26):]

    def hz(part):
        crossings = sum(1 for a, b in zip(part, part[1:], strict=False) if a < 0 <= b)
        return crossings / (len(part) / TONE_RATE)

    assert abs(hz(first) - 880) < 20 and abs(hz(second) - 660) < 20
    assert max(samples) > 8000  # audible, and soft: well under full scale
    assert max(abs(s) for s in samples) < 0.5 * 32767


def test_tone_plays_through_aplay_without_waiting_and_survives_a_missing_player(tmp_path):
    started = []

    class Playing:
        def poll(self):
            return None  # still sounding

    def player(cmd, **_kw):
        started.append(cmd)
        return Playing()

    speech = Speech(tone_popen=player, tone_file=tmp_path / "t.wav")
    assert speech.tone() is True
    assert started[0][:2] == ["aplay", "-q"] and Path(started[0][2]).exists()
    assert speech.tone() is True and len(started) == 1  # no second tone over the first

    def missing(cmd, **_kw):
        raise FileNotFoundError(cmd[0])

    assert Speech(tone_popen=missing, tone_file=tmp_path / "u.wav").tone() is False
