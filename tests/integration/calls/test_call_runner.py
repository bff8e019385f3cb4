"""The call runner against the real gateway: refusals reach the flow, an unanswered call turns into a callback."""

from __future__ import annotations

import asyncio
import time

from kiosk.call import flow
from kiosk.call.client import CallClient, MediaSources
from kiosk.call.runner import CallRunner
from wire.call import CallOutcome


async def until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def never_opened() -> MediaSources:
    raise AssertionError("no camera or microphone may open without a specialist")


def test_unanswered_call_becomes_a_callback_ticket(call_gateway):
    printed: list[flow.PrintCallbackTicket] = []

    async def scenario() -> None:
        client = CallClient(call_gateway.base_url, device_id=call_gateway.device_id,
                            device_key=call_gateway.device_key)
        runner = CallRunner(client, never_opened, poll_seconds=0.2, print_ticket=printed.append)
        task = asyncio.ensure_future(runner.run_forever())
        runner.post(flow.StartCall("VZD", "property-tax"))
        runner.post(flow.ConsentGiven())
        await until(lambda: runner.state.phase is flow.Phase.QUEUED, 10, "queued")
        call_gateway.execute("UPDATE calls SET requested_at = requested_at - 400000")  # past the ring time
        await until(lambda: runner.state.phase is flow.Phase.CALLBACK, 10, "callback")
        assert runner.state.outcome is CallOutcome.UNANSWERED
        await until(lambda: runner.session is None, 5, "signalling closed")
        runner.post(flow.PhoneEntered("+371 2612 3456"))
        await until(lambda: bool(printed), 5, "the ticket")
        assert printed == [flow.PrintCallbackTicket("VZD", "property-tax", "+37126123456", runner.state.call_id)]
        runner.post(flow.Finish())
        await until(lambda: runner.state == flow.CallState(), 5, "idle")
        task.cancel()
        client.close()

    asyncio.run(asyncio.wait_for(scenario(), 30))
    assert call_gateway.query("SELECT outcome FROM calls") == [("unanswered",)]


def test_a_refusal_reaches_the_flow_with_its_code(call_gateway):
    async def scenario() -> flow.CallState:
        client = CallClient(call_gateway.base_url, device_id=call_gateway.device_id,
                            device_key=call_gateway.device_key)
        runner = CallRunner(client, never_opened)
        runner.post(flow.StartCall("XYZ", "anything"))
        runner.post(flow.ConsentGiven())
        await runner.settle()
        client.close()
        return runner.state

    state = asyncio.run(scenario())
    assert state.phase is flow.Phase.FAILED and state.error == "institution_unknown"
