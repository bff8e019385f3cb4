"""Run libdigidocpp (pydigidoc) on containers and print its judgement as JSON, one per signature.

Usage: python digidoc_judge.py TRUST_LIST_DIR FILE...

TRUST_LIST_DIR holds a signed test trust list (``trust_list.TrustList.write``): the list of lists
``pietura-lotl.xml``, the Latvian list ``LV.xml`` it points at, and ``lotl-signer.der``, the one
certificate libdigidocpp may accept as the list of lists' signer. libdigidocpp is configured through
its ``DigiDocConf`` (the SWIG class pydigidoc exposes: TSL address, TSL signing certificate, cache
and schema folder) to read them from a cache folder under $HOME, so it judges trust against that
list and nothing else.

Run in its own process: libdigidocpp's configuration and trust store are process-wide. What
cannot be set from here: ``tsl.autoupdate`` (no setter in pydigidoc 0.0.4's XmlConfV5, and the
XML configuration is read only from the wheel's compiled-in build folder and the real user's home,
found with getpwuid, not $HOME). With it on, libdigidocpp uses a cached list that validates as it
is (``TSL::parseTSL`` returns before any download) and tries to fetch one that does not from its
address under ``tl.pietura.test`` (a reserved name that never resolves), so no list comes from
the network; the online digest check is switched off."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pydigidoc

LOTL_URL = "https://tl.pietura.test/pietura-lotl.xml"


def configure(trust_list: Path) -> None:
    cache = Path(os.environ["HOME"]) / "digidocpp"  # TSL cache, schema folder and log
    cache.mkdir(parents=True, exist_ok=True)
    for schema in Path(pydigidoc.__file__).with_name("schema").glob("*.xsd"):
        shutil.copy(schema, cache)
    for listed in trust_list.glob("*.xml"):
        shutil.copy(listed, cache)
    conf = pydigidoc.DigiDocConf(str(cache))
    conf.set_tslurl(LOTL_URL)
    conf.set_tslcert((trust_list / "lotl-signer.der").read_bytes())
    conf.set_tslonline_digest(False)
    conf.set_tsltime_out(2)
    pydigidoc.Conf.init(conf.transfer())


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
    configure(Path(sys.argv[1]))
    pydigidoc.digidoc.initialize("pietura-test")
    print(json.dumps({path: judge(path) for path in sys.argv[2:]}))


if __name__ == "__main__":
    main()
