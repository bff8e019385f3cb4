"""Call benchmark: a kiosk ↔ specialist call at 640×480 through the real gateway and a real coturn (figures
printed, never asserted).

* accept → first remote frame, at the kiosk (from the gateway's ``peer_joined``) and at the specialist
  (from its accept request);
* frames per second each side receives, and whether the pattern and tone are recognised;
* the kiosk's CPU (% of one core, user + system) and RSS (now and peak) during the call: the kiosk's
  peer runs in its own process (this script with ``--kiosk-child``), the gateway, coturn and the
  specialist (a second aiortc peer) in this one.

Run: ``.venv/bin/python bench/call.py [--seconds 15]``. Needs coturn (Makefile DEBS).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.call.client import CallClient, MediaSources  # noqa: E402
from kiosk.call.media import PatternVideoTrack, ToneAudioTrack  # noqa: E402
from wire.device_key import DeviceKey  # noqa: E402


def _proc_status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])  # kB
    return 0


async def kiosk_child(base_url: str, device_id: str, seconds: float) -> None:
    key = DeviceKey.load("/dev/stdin")
    client = CallClient(base_url, device_id=device_id, device_key=key)
    grant = await client.request("VSAA", "bench")
    print(json.dumps({"call_id": grant.call_id}), flush=True)
    call = await client.join(grant, lambda: MediaSources(PatternVideoTrack(), ToneAudioTrack()))
    while call.probe.report.first_video_at is None:
        await asyncio.sleep(0.01)
    assert call.peer_joined_at is not None
    first_frame_s = call.probe.report.first_video_at - call.peer_joined_at
    cpu_start, wall_start = os.times(), time.monotonic()
    await asyncio.sleep(seconds)
    cpu_end, wall = os.times(), time.monotonic() - wall_start
    cpu = (cpu_end.user - cpu_start.user) + (cpu_end.system - cpu_start.system)
    report = call.probe.report
    print(json.dumps({"first_frame_s": first_frame_s, "fps": report.fps, "frames": report.video_frames,
                      "pattern_frames": report.pattern_frames, "tone_hz": report.last_frequency,
                      "size": report.last_size, "cpu_percent": 100 * cpu / wall,
                      "rss_mb": _proc_status("VmRSS") / 1024, "peak_rss_mb": _proc_status("VmHWM") / 1024}),
          flush=True)
    await call.hang_up()
    client.close()


async def specialist_side(local, people, child: subprocess.Popen[str], seconds: float) -> dict:
    from tests.integration.calls.call_peers import PythonSpecialist

    assert child.stdout is not None
    line = await asyncio.to_thread(child.stdout.readline)
    call_id = json.loads(line)["call_id"]
    specialist = PythonSpecialist(local.base_url, people.session(local.base_url, people.add("VSAA")))
    accepted = time.monotonic()
    await specialist.accept(call_id)
    while specialist.probe.report.first_video_at is None:
        await asyncio.sleep(0.01)
    first = specialist.probe.report.first_video_at - accepted
    await asyncio.sleep(seconds)
    report = specialist.probe.report
    kiosk = json.loads(await asyncio.to_thread(child.stdout.readline))
    await asyncio.wait_for(specialist.ended.wait(), 15)
    return {"kiosk": kiosk, "specialist": {"first_frame_s": first, "fps": report.fps,
                                           "pattern_frames": report.pattern_frames, "tone_hz": report.last_frequency}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="how long the call runs once media flows")
    parser.add_argument("--kiosk-child", nargs=2, metavar=("BASE_URL", "DEVICE_ID"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.kiosk_child:
        asyncio.run(kiosk_child(args.kiosk_child[0], args.kiosk_child[1], args.seconds))
        return 0

    from gateway.testpki import make_ca
    from tests.fixtures.coturn import CoturnServer
    from tests.integration.calls.conftest import Specialists, start_call_gateway

    with tempfile.TemporaryDirectory(prefix="pietura-bench-call-") as tmp:
        root = Path(tmp)
        (root / "turn").mkdir()
        turn = CoturnServer(root / "turn")
        turn.start()
        local = start_call_gateway(root / "gw", make_ca("BENCH CA", "p384").pem, None, turn.secret, turn.urls)
        people = Specialists(local)
        child = subprocess.Popen([sys.executable, __file__, "--seconds", str(args.seconds), "--kiosk-child",
                                  local.base_url, local.device_id], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True)
        assert child.stdin is not None
        child.stdin.write(local.device_key.private_pem().decode())
        child.stdin.close()
        try:
            result = asyncio.run(asyncio.wait_for(specialist_side(local, people, child, args.seconds),
                                                  args.seconds + 60))
        finally:
            child.wait(30)
            people.close()
            local.stop()
            turn.stop()
    kiosk, specialist = result["kiosk"], result["specialist"]
    print(f"call at 640x480 for {args.seconds:.0f} s, relay-only ICE through coturn on loopback ({os.cpu_count()} cores)")
    print(f"  accept -> first remote frame: kiosk {kiosk['first_frame_s'] * 1000:.0f} ms (from peer_joined), "
          f"specialist {specialist['first_frame_s'] * 1000:.0f} ms (from accept)")
    print(f"  frames per second received: kiosk {kiosk['fps']:.1f}, specialist {specialist['fps']:.1f} "
          f"(sent: 15)")
    print(f"  pattern recognised: kiosk {kiosk['pattern_frames']} checks, specialist {specialist['pattern_frames']}; "
          f"tone: kiosk hears {kiosk['tone_hz']:.0f} Hz, specialist {specialist['tone_hz']:.0f} Hz")
    print(f"  kiosk process: CPU {kiosk['cpu_percent']:.0f} % of one core, RSS {kiosk['rss_mb']:.0f} MB "
          f"(peak {kiosk['peak_rss_mb']:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
