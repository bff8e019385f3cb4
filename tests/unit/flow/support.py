"""Shared helper for the state-machine tests."""

from kiosk.flow.machine import step


def run(state, *events):
    """Step through ``events``; the final state and every effect on the way."""
    effects = []
    for event in events:
        state, out = step(state, event)
        effects.extend(out)
    return state, effects
