"""The submission port through the outbox to a real gateway on loopback, and a stored receipt back.

What the flow hands over (SubmitForm with its typed ProxyBlock) goes through the typed envelope
header and the outbox unchanged in meaning: the gateway records a proxy submission with its
authorisation and the sealed citizen, a guided one as assisted; the client hands back the
stored receipt with its time already parsed, which is what the staff reprint prints from.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kiosk.adapters.staff import StaffDesk
from kiosk.adapters.submissions import SubmissionService
from kiosk.backend.envelope import ProxyBlock
from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.receipts import ReceiptKind
from tests.fixtures.gateway import kiosk_client

from .support import gateway_session, start_gateway

SERVICE_ID = "residence-certificate"
STATUS_BASE = "https://gw.example/s"
ANSWERS = json.dumps({"format": "pietura-form:1", "service": SERVICE_ID, "version": 1,
                      "answers": {"given_name": "Anna", "surname": "Liepa", "purpose": "bank"}}).encode()


@pytest.fixture
def gateway(tmp_path):
    local = start_gateway(tmp_path / "gw")
    yield local
    local.stop()


@pytest.fixture
def service(tmp_path, gateway):
    client = kiosk_client(gateway, retries=0)
    submissions = SubmissionService.open(tmp_path / "kiosk", client, gateway.sealing_public_key, STATUS_BASE)
    yield submissions
    submissions.close()


def reprint(gateway, reference: str, staff_token: str) -> ev.ReceiptFetched:
    desk = StaffDesk(heartbeat=None, collect=dict, receipts=None, submissions=None,
                     client=kiosk_client(gateway, retries=0), status_base=STATUS_BASE)
    fetched = desk.fetch_receipt(reference, staff_token)
    assert isinstance(fetched, ev.ReceiptFetched), fetched
    return fetched


def test_proxy_submission_reaches_the_gateway_and_reprints_from_it(gateway, service):
    staff_token, staff_ref = gateway_session(gateway, frozenset({"citizen", "staff"}))
    block = ProxyBlock(authorisation_ref="EA 17/2026", authorised_on=dt.datetime.now(dt.UTC).date().isoformat(),
                       scope=SERVICE_ID, given_name="Anna", surname="Liepa", personal_code="329876-54321")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    accepted = service.submit(fx.SubmitForm(SERVICE_ID, "1", ANSWERS, staff_ref, proxy=block))
    assert isinstance(accepted, ev.SubmitAccepted), accepted
    shown = accepted.submission
    assert not shown.pending and shown.short_code and shown.status_url == STATUS_BASE
    fetched = reprint(gateway, shown.reference, staff_token)
    stored = fetched.receipt
    assert (stored.reference, stored.short_code, stored.service_id) == (shown.reference, shown.short_code, SERVICE_ID)
    assert stored.kind is ReceiptKind.PROXY and stored.authorisation_ref == "EA 17/2026"
    assert stored.citizen_initials == "A. L."  # the gateway opened the sealed principal
    assert before <= stored.received_at <= dt.datetime.now(dt.UTC)  # a datetime, parsed by the client
    assert fetched.status_url == STATUS_BASE


def test_guided_submission_is_recorded_as_assisted(gateway, service):
    staff_token, staff_ref = gateway_session(gateway, frozenset({"citizen", "staff"}))
    _, citizen_ref = gateway_session(gateway, frozenset({"citizen"}))
    accepted = service.submit(fx.SubmitForm(SERVICE_ID, "1", ANSWERS, citizen_ref, assisted_by=staff_ref))
    assert isinstance(accepted, ev.SubmitAccepted), accepted
    stored = reprint(gateway, accepted.submission.reference, staff_token).receipt
    assert stored.kind is ReceiptKind.ASSISTED and stored.authorisation_ref == "" and stored.proxy is None
    assert stored.citizen_initials == "A. L."
    again = service.submit(fx.SubmitForm(SERVICE_ID, "1", ANSWERS, citizen_ref, assisted_by=staff_ref))
    assert again == accepted  # a second press: the same record, not a second one
