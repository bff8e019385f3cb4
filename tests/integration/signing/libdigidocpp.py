"""libdigidocpp (pydigidoc) as a judge for tests: runs ``digidoc_judge.py`` in its own process with a
signed test trust list (``trust_list.py``) naming the CAs to trust."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509

from tests.integration.signing.trust_list import make_trust_list

JUDGE = Path(__file__).with_name("digidoc_judge.py")
# What libdigidocpp says when it has no trust anchor for the signer, the TSA and the OCSP responder.
TRUST_ONLY = {
    "Signature validation",
    "Unable to verify signing certificate",
    "unable to get local issuer certificate",
    "Certificate status: unknown",
    "error:17800064:time stamp routines::certificate verify error",
    "Failed to verify OCSP Responder certificate",
    "error:13800065:OCSP routines::certificate verify error",
}
NOT_TRUSTED = "Unable to verify signing certificate"


def judge(tmp_path: Path, containers: dict[str, bytes], trusted: Sequence[x509.Certificate] = (), *,
          trust_list_files: dict[str, bytes] | None = None) -> dict[str, list[dict[str, object]]]:
    """libdigidocpp's judgement of each container, with a trust list naming the CAs in ``trusted``
    (``trust_list_files`` replaces files of the list after it was signed)."""
    trust_list = make_trust_list(trusted)
    trust_list.files.update(trust_list_files or {})
    trust_list.write(tmp_path / "trust-list")
    paths = []
    for name, data in containers.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(str(path))
    done = subprocess.run([sys.executable, str(JUDGE), str(tmp_path / "trust-list"), *paths], capture_output=True,
                          text=True, timeout=120, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    return {Path(p).name: v for p, v in json.loads(done.stdout.splitlines()[-1]).items()}
