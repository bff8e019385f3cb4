"""Every modelled service, end to end: catalogue from the real gateway → form → outbox → delivery.

The gateway (uvicorn on loopback, SQLite) serves the catalogue from config/services; the kiosk
reads it with Catalogue.from_json, fills each form, seals the canonical payload into the outbox,
and the delivery worker submits it. The gateway's key opens every envelope to the exact payload.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random

from gateway.db import Database
from gateway.keys import load_keys
from kiosk.backend.delivery import DeliveryWorker
from kiosk.backend.envelope import EnvelopeHeader
from kiosk.backend.outbox import ItemState, Outbox, new_idempotency_key
from kiosk.services import form as F
from kiosk.services.catalogue import Catalogue
from tests.fixtures.gateway import kiosk_client
from tests.integration.outbox.support import citizen_session, start_gateway
from tests.unit.services.conftest import IDENTITY, TODAY
from tests.unit.services.test_form import fill_to_review
from wire.protocol import read_envelope, unseal


def test_all_services_submit_through_the_gateway(tmp_path):
    local = start_gateway(tmp_path / "gw")
    try:
        client = kiosk_client(local, retries=0)
        catalogue = Catalogue.from_json(client.catalogue().data)
        services = catalogue.all()
        assert len(services) >= 12
        session_ref = citizen_session(local)
        outbox = Outbox(tmp_path / "outbox.db", client.sealing_public_key())
        sent: dict[str, bytes] = {}
        for definition in services:
            state = fill_to_review(F.start_form(definition, IDENTITY, TODAY))
            payload = F.payload(state)
            key = new_idempotency_key()
            header = EnvelopeHeader(definition.id, str(definition.version), dt.datetime.now(dt.UTC), session_ref)
            outbox.enqueue(key, header, payload)
            sent[key] = payload
        worker = DeliveryWorker(outbox, client, lambda: dt.datetime.now(dt.UTC), random.Random(5))
        result = worker.run_once(dt.datetime.now(dt.UTC))
        assert (result.delivered, result.failed, result.rejected) == (len(services), 0, 0)
        sealing_key = load_keys(local.config).sealing
        db = Database(local.config.db_url)
        try:
            with db.tx(write=False) as tx:
                rows = tx.execute("SELECT idempotency_key, service_id, envelope, reference FROM submissions")
        finally:
            db.close()
        assert len(rows) == len(services)
        for key, service_id, envelope, reference in rows:
            body = read_envelope(bytes(envelope))
            opened = unseal(sealing_key, base64.b64decode(body["sealed_answers"]))
            assert opened == sent[key]
            assert json.loads(opened)["service"] == service_id
            item = outbox.get(key)
            assert item.state is ItemState.DELIVERED and item.reference == reference
        outbox.close()
    finally:
        local.stop()
