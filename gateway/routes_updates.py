"""Update channels over HTTP: a kiosk asks, with its signed device request, which bundle it should run."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field, StringConstraints

from gateway.deps import DeviceDep, GatewayDep
from gateway.models import BODY_ERRORS, DEVICE_ERRORS, Strict, error_responses
from gateway.update_channels import ChannelStore

log = logging.getLogger("gateway.updates")
router = APIRouter(prefix="/v1", tags=["updates"])

Version = Annotated[str, StringConstraints(max_length=64, pattern=r"^[\x21-\x7e]*$")]
SiteName = Annotated[str, StringConstraints(max_length=128, pattern=r"^[^\x00-\x1f\x7f]*$")]  # Latvian letters


class UpdatePollRequest(Strict):
    compatible: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
    version: Version = ""  # the running slot's version (for the fleet view; not trusted for decisions)
    site: SiteName = ""  # the kiosk's site (kiosk.toml), for site-wide channel assignments


class BundleOut(BaseModel):
    version: str
    url: str
    size: int = Field(gt=0)
    sha256: str


class UpdatePollResponse(BaseModel):
    channel: str
    bundle: BundleOut | None  # None: nothing published for this board on this channel
    update: bool  # the offered version differs from the running one


@router.post("/updates/poll", response_model=UpdatePollResponse,
             responses=error_responses(*BODY_ERRORS, *DEVICE_ERRORS))
def poll(body: UpdatePollRequest, device: DeviceDep, gateway: GatewayDep) -> UpdatePollResponse:
    """The bundle of the kiosk's channel (kiosk assignment, else its site's, else ``stable``) for its board."""
    channels = ChannelStore(gateway.store.db)
    channel, offer = channels.offer_for(device.device_id, body.site, body.compatible)
    channels.record_poll(device.device_id, body.site, channel, gateway.clock())
    bundle = None if offer is None else BundleOut(version=offer.version, url=offer.url, size=offer.size,
                                                   sha256=offer.sha256)
    update = offer is not None and offer.version != body.version
    log.info("update poll device=%s channel=%s update=%s", device.device_id, channel.value, update)
    return UpdatePollResponse(channel=channel.value, bundle=bundle, update=update)
