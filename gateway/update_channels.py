"""Update channels: which signed bundle each kiosk is offered.

A channel (``stable``, ``pilot``) holds at most one current bundle per board (RAUC ``compatible``); a kiosk
follows the channel assigned to it, else the one assigned to its site, else ``stable``. The gateway only
names the bundle (URL, size, SHA-256): the bytes come from any static server, and the kiosk trusts a bundle
for its signature (its own RAUC keyring), never for where it came from.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from gateway.db import Database
from gateway.records import ms

DEFAULT_CHANNEL = "stable"
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class Channel(enum.Enum):
    STABLE = "stable"
    PILOT = "pilot"


class Scope(enum.Enum):
    """What an assignment is for: one kiosk (its device id) or every kiosk of a site."""

    KIOSK = "kiosk"
    SITE = "site"


@dataclass(frozen=True)
class BundleOffer:
    channel: Channel
    compatible: str
    version: str
    url: str
    size: int
    sha256: str
    published_at: int  # epoch ms

    def __post_init__(self) -> None:
        if not SHA256_HEX.match(self.sha256):
            raise ValueError("sha256 must be 64 lower-case hex digits")
        if self.size <= 0:
            raise ValueError("size must be positive")
        if not self.url.startswith(("https://", "http://")):
            raise ValueError("url must be http(s)")
        if not self.compatible or not self.version:
            raise ValueError("compatible and version are required")


class ChannelStore:
    def __init__(self, db: Database):
        self.db = db

    def publish(self, offer: BundleOffer) -> None:
        """Make ``offer`` the channel's current bundle for its board (replaces the previous one)."""
        with self.db.tx() as tx:
            tx.execute("DELETE FROM update_bundles WHERE channel = ? AND compatible = ?",
                       (offer.channel.value, offer.compatible))
            tx.execute("INSERT INTO update_bundles (channel, compatible, version, url, size, sha256, published_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (offer.channel.value, offer.compatible, offer.version, offer.url, offer.size, offer.sha256,
                        offer.published_at))

    def withdraw(self, channel: Channel, compatible: str) -> bool:
        with self.db.tx() as tx:
            tx.execute("DELETE FROM update_bundles WHERE channel = ? AND compatible = ?", (channel.value, compatible))
            return tx.rowcount > 0

    def assign(self, scope: Scope, target: str, channel: Channel | None, now: dt.datetime) -> None:
        """Put a kiosk or a site on ``channel``; ``None`` removes the assignment (back to the default)."""
        with self.db.tx() as tx:
            tx.execute("DELETE FROM update_assignments WHERE scope = ? AND target = ?", (scope.value, target))
            if channel is not None:
                tx.execute("INSERT INTO update_assignments (scope, target, channel, assigned_at) VALUES (?, ?, ?, ?)",
                           (scope.value, target, channel.value, ms(now)))

    def assignments(self) -> list[tuple[Scope, str, Channel]]:
        rows = self.db.query("SELECT scope, target, channel FROM update_assignments ORDER BY scope, target")
        return [(Scope(scope), target, Channel(channel)) for scope, target, channel in rows]

    def channel_for(self, device_id: str, site: str) -> Channel:
        rows = self.db.query("SELECT scope, channel FROM update_assignments WHERE (scope = ? AND target = ?)"
                             " OR (scope = ? AND target = ?)",
                             (Scope.KIOSK.value, device_id, Scope.SITE.value, site))
        by_scope = {scope: channel for scope, channel in rows}
        return Channel(by_scope.get(Scope.KIOSK.value) or by_scope.get(Scope.SITE.value) or DEFAULT_CHANNEL)

    def current(self, channel: Channel, compatible: str) -> BundleOffer | None:
        row = self.db.query("SELECT version, url, size, sha256, published_at FROM update_bundles"
                            " WHERE channel = ? AND compatible = ?", (channel.value, compatible))
        if not row:
            return None
        version, url, size, sha256, published_at = row[0]
        return BundleOffer(channel, compatible, version, url, int(size), sha256, int(published_at))

    def offer_for(self, device_id: str, site: str, compatible: str) -> tuple[Channel, BundleOffer | None]:
        channel = self.channel_for(device_id, site)
        return channel, self.current(channel, compatible)

    def record_poll(self, device_id: str, site: str, channel: Channel, now: dt.datetime) -> None:
        """The site a kiosk named in its last poll and the channel it got (the fleet page shows them)."""
        with self.db.tx() as tx:
            tx.execute("DELETE FROM update_polls WHERE device_id = ?", (device_id,))
            tx.execute("INSERT INTO update_polls (device_id, site, channel, polled_at) VALUES (?, ?, ?, ?)",
                       (device_id, site, channel.value, ms(now)))

    def views(self) -> dict[str, ChannelView]:
        """Each kiosk that has polled: its site and the channel it follows now, and why."""
        assigned = {(scope, target): channel for scope, target, channel in self.assignments()}
        out = {}
        for device_id, site in self.db.query("SELECT device_id, site FROM update_polls"):
            if (Scope.KIOSK, device_id) in assigned:
                out[device_id] = ChannelView(assigned[(Scope.KIOSK, device_id)], Scope.KIOSK, site)
            elif site and (Scope.SITE, site) in assigned:
                out[device_id] = ChannelView(assigned[(Scope.SITE, site)], Scope.SITE, site)
            else:
                out[device_id] = ChannelView(Channel(DEFAULT_CHANNEL), None, site)
        return out

    def sites(self) -> list[str]:
        """Every site name kiosks have polled with or that has an assignment (the form's choices)."""
        polled = {site for (site,) in self.db.query("SELECT DISTINCT site FROM update_polls") if site}
        return sorted(polled | {target for scope, target, _ in self.assignments() if scope is Scope.SITE})


@dataclass(frozen=True)
class ChannelView:
    """The channel a kiosk follows: by its own assignment, its site's, or the default (``by`` None)."""

    channel: Channel
    by: Scope | None
    site: str
