"""Property tests generated from the gateway's own OpenAPI document: no input yields a 5xx.

Requests are signed with an enrolled device key, so generated bodies reach validation and
handlers instead of stopping at the signature check. (Hypothesis is driven per operation
here because schemathesis' lazy pytest fixture loader does not support this pytest.)
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error

from gateway.embedded import make_local_gateway


@pytest.fixture(scope="module")
def signed_gateway(tmp_path_factory, gateway_pki):
    local = make_local_gateway(tmp_path_factory.mktemp("gw-schema"), [gateway_pki.pem],
                               extra_config="[limits]\nrate_per_device = 0\n")
    with local:
        yield local


@pytest.mark.slow
def test_no_server_errors_for_generated_requests(signed_gateway):
    schema = schemathesis.openapi.from_url(signed_gateway.base_url + "/openapi.json")
    session = requests.Session()
    session.auth = signed_gateway.device_key.auth(signed_gateway.device_id)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    statuses: dict[str, set[int]] = {}

    def call_and_check(case, label: str) -> None:
        response = case.call(base_url=signed_gateway.base_url, session=session, timeout=10)
        statuses.setdefault(label, set()).add(response.status_code)
        case.validate_response(response, checks=[not_a_server_error])

    for operation, mode in [(op, mode) for op in operations for mode in schemathesis.GenerationMode]:
        @given(case=operation.as_strategy(mode), label=st.just(operation.label))
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case, label):
            call_and_check(case, label)

        try:
            run()
        except Unsatisfiable:
            assert mode is schemathesis.GenerationMode.NEGATIVE  # nothing to break in a parameterless call
    assert all(code < 500 for codes in statuses.values() for code in codes)
    assert any(code == 422 for codes in statuses.values() for code in codes)  # validation was reached
