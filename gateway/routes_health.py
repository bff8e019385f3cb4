"""GET /ready: this instance can serve requests now (its database answers).

Load balancers health-check it to take an instance out of rotation while its database link
is down; ``/healthz`` (not in the API document) only says the process runs. No authentication,
no rate limit and nothing in the answer beyond the verdict.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from gateway.deps import GatewayDep
from gateway.models import ErrorBody

router = APIRouter(tags=["operations"])


class Readiness(BaseModel):
    ready: Literal[True]


@router.get("/ready", response_model=Readiness,
            responses={503: {"model": ErrorBody, "description": "storage_unavailable: the database does not answer"}})
def ready(gateway: GatewayDep) -> Readiness:
    """200 when the database answers a query within the ping timeout; 503 ``storage_unavailable`` otherwise."""
    gateway.db.ping()
    return Readiness(ready=True)
