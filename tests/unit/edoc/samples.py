"""Where the real .edoc/.asice samples live: read in place from the shared folder, never copied."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SAMPLES = Path(os.environ.get("PIETURA_EDOC_SAMPLES", Path(__file__).resolve().parents[4] / "shared" / "edoc-samples"))
if not SAMPLES.is_dir():  # a worktree sits one level deeper than the main checkout
    SAMPLES = Path("/work/shared/edoc-samples")


def sample(name: str) -> bytes:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"real sample {name} not present in {SAMPLES}")
    return path.read_bytes()
