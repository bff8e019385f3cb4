"""Run libdigidocpp (pydigidoc) on containers and print its judgement as JSON, one per signature.

Run in its own process: libdigidocpp's configuration and caches are process-wide, and its
trust-list loader writes under $HOME. Usage: python digidoc_judge.py FILE..."""

from __future__ import annotations

import json
import sys

import pydigidoc


def judge(path: str) -> list[dict[str, object]]:
    container = pydigidoc.Container.open(path)
    results: list[dict[str, object]] = []
    for signature in container.signatures():
        try:
            signature.validate()
            messages: list[str] = []
        except Exception as exc:  # libdigidocpp's Exception: messages joined by newlines
            messages = [line.strip() for line in str(exc).splitlines() if line.strip()]
        results.append({"profile": signature.profile(), "messages": messages})
    return results


def main() -> None:
    pydigidoc.initialize("pietura-test")
    print(json.dumps({path: judge(path) for path in sys.argv[1:]}))


if __name__ == "__main__":
    main()
