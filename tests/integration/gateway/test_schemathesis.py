"""Schemathesis against the real gateway on loopback, from its own OpenAPI document, with ALL its checks.

Every built-in check runs (server errors, status codes, content types, response schemas and headers,
positive data accepted, negative data rejected, missing headers, unsupported methods with ``Allow``,
…) over the examples, coverage and fuzzing phases. Requests are signed with an enrolled device key
(a ``before_call`` hook hands requests the device's RFC 9421 signer), so generated bodies reach
validation and handlers instead of stopping at the signature check.

The gateway has a ``[calls]`` section, so the call API is live too: the kiosk's calls and callback
requests are signed like every device call, and the specialist console's calls (``/console/api/…``)
carry a signed-in specialist's cookie (the document's ``console_cookie`` scheme, given to schemathesis
as explicit credentials, so its ``ignored_auth`` check also tries them missing and wrong) and the
console header, so generated requests reach the handlers (a random call id is then 404, not 401).
Signing out is left out: it would end that sign-in halfway through the run.

One setting is spelled out rather than left to defaults: for the calls whose bodies carry content no
schema can judge (``POST /v1/submissions``: sealed answers that must open with the gateway's key,
a catalogue service, a creation time not in the future; ``POST /v1/devices/enroll``: an Ed25519 key;
``POST /v1/callbacks``: a sealed phone number, a served institution, a real date; ``POST /v1/calls``: a
served institution), a schema-valid body may be refused with 422. The extra
check :func:`content_refusals_only` holds those 422s to the content codes, so a schema-level refusal
(``request_invalid``) of a schema-valid body still fails.
"""

from __future__ import annotations

import collections

import pytest
import schemathesis
import schemathesis.hooks
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from gateway.embedded import make_local_gateway
from tests.integration.calls.conftest import Specialists, calls_config

CONTENT_OPERATIONS = {"POST /v1/submissions", "POST /v1/devices/enroll", "POST /v1/callbacks", "POST /v1/calls"}
CONTENT_CODES = frozenset({"answers_unreadable", "service_unknown", "created_in_future", "offline_payload_invalid",
                           "proxy_authorisation_invalid", "proxy_principal_invalid", "proxy_principal_mismatch",
                           "device_key_invalid", "institution_unknown", "phone_unreadable", "phone_invalid",
                           "requested_at_invalid"})
NEGATIVE_REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # schemathesis' default for positive data


@schemathesis.check
def content_refusals_only(ctx, response, case) -> bool | None:
    """A schema-valid body to a content operation is refused only for its content, never for its form."""
    meta = case.meta
    if (meta is None or not meta.generation.mode.is_positive or case.operation.label not in CONTENT_OPERATIONS
            or response.status_code != 422):
        return None
    code = response.json().get("error")
    if code not in CONTENT_CODES:
        raise AssertionError(f"schema-valid body refused with 422 {code}")
    return None


@pytest.fixture
def signed_gateway(tmp_path, gateway_pki, gateway_db_url):
    """On SQLite and on PostgreSQL (``gateway_db_url`` is parametrised over both), with ``[calls]``."""
    (tmp_path / "gw").mkdir()
    (tmp_path / "gw" / "turn.secret").write_text("schemathesis-turn-secret\n")
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=gateway_db_url,
                               extra_config="[limits]\nrate_per_device = 0\n"
                                            + calls_config(("turn:127.0.0.1:3478?transport=udp",)))
    with local:
        yield local


def _config(base_url: str, max_examples: int, console_cookie: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        "base-url": base_url,
        # a body over the size cap is refused before validation: 413 (payload_too_large) is a rejection too
        "checks": {"enabled": True, "negative_data_rejection": {"expected-statuses": NEGATIVE_REFUSALS}},
        "generation": {"max-examples": max_examples, "database": "none"},
        "cache": {"enabled": False},  # every run on its own: no findings carried over, nothing written to the tree
        "auth": {"openapi": {"console_cookie": {"api_key": console_cookie}}},
        "operations": [
            {"include-path": "/console/api/sign-out", "enabled": False},  # it would end the run's sign-in
            *({"include-path": path, "include-method": method,
               "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}}}
              for method, path in (label.split(" ") for label in sorted(CONTENT_OPERATIONS))),
            {"include-path-regex": "^/console/api/", "headers": {"X-Pietura-Console": "1"}},
        ],
    })


def test_all_checks_pass_for_generated_requests(signed_gateway):
    people = Specialists(signed_gateway)  # a signed-in specialist: the console's calls reach their handlers
    cookie = people.session(signed_gateway.base_url, people.add("VSAA")).cookies.get("pietura_console")
    people.close()
    schema = schemathesis.openapi.from_url(signed_gateway.base_url + "/openapi.json",
                                           config=_config(signed_gateway.base_url, 25, cookie))
    auth = signed_gateway.device_key.auth(signed_gateway.device_id)

    def before_call(context, case, kwargs):
        if not case.path.startswith("/console/"):
            kwargs["auth"] = auth  # the device's RFC 9421 signature over the bytes actually sent

    schemathesis.hook(before_call)  # before_call exists only as a global hook; removed again below
    try:
        _run_and_check(schema)
    finally:
        schemathesis.hooks.unregister(before_call)


def _run_and_check(schema) -> None:
    failures: collections.Counter[tuple[str, str, str]] = collections.Counter()
    ran: collections.Counter[str] = collections.Counter()
    statuses: set[int] = set()
    problems, details = [], []
    for event in from_schema(schema).execute():
        if isinstance(event, (events.NonFatalError, events.FatalError)):
            problems.append(str(getattr(event, "info", event)))
        if not isinstance(event, events.ScenarioFinished):
            continue
        for checks in event.recorder.checks.values():
            for check in checks:
                ran[check.name] += 1
                if check.status.name == "FAILURE":
                    title = check.failure_info.failure.title if check.failure_info else ""
                    details.append(str(check.failure_info.failure) if check.failure_info else "")
                    failures[(event.label or "", check.name, title)] += 1
        for interaction in event.recorder.interactions.values():
            if interaction.response is not None:
                statuses.add(interaction.response.status_code)
    assert not problems, problems
    assert not failures, (sorted(failures.items()), details[:3])
    # the run reached what it is meant to test
    for name in ("not_a_server_error", "status_code_conformance", "content_type_conformance",
                 "response_schema_conformance", "response_headers_conformance", "positive_data_acceptance",
                 "negative_data_rejection", "missing_required_header", "unsupported_method", "content_refusals_only"):
        assert ran[name] > 0, (name, sorted(ran.items()))
    assert {200, 400, 401, 404, 405, 422} <= statuses, sorted(statuses)
