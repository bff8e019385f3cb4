"""The fleet page's update part: each kiosk's channel and last update result, and the form that puts a kiosk
or a site on an update channel (``POST /fleet/channel``), audited like ``kiosk-gateway admin assign-channel``.

Access is the fleet page's token. A browser re-sends HTTP Basic credentials by itself, so a form posted from
another site would carry them: the form also carries a value derived from the configured token hash
(:func:`form_key`), which another site cannot read (the page is ``no-store``, never framed, and the gateway
allows no cross-origin reads), and a post without it is refused.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
import urllib.parse

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from gateway.deps import GatewayDep
from gateway.errors import ApiError
from gateway.fleet import KioskStatus
from gateway.fleet_access import authorised, unauthorised, visible
from gateway.update_channels import Channel, ChannelStore, ChannelView, Scope

router = APIRouter(tags=["fleet page"])
MAX_FORM_BYTES = 2048
MAX_SITE = 128
NO_CHANNEL = "none"  # the form's choice for "back to the default"

TEXT = {
    "lv": {"channel": "kanāls {c}", "by_kiosk": "kioskam", "by_site": "vietai {s}", "by_default": "noklusējums",
           "update": "Atjauninājums: {r}", "form": "Atjauninājumu kanāls", "scope": "Kam",
           "kiosk": "Kioskam", "site": "Vietai", "target": "Kioska ID vai vietas nosaukums", "choice": "Kanāls",
           "default": "noklusējums (stable)", "assign": "Piešķirt", "refused": "Nav piešķirts: {why}",
           "back": "Atpakaļ", "why_target": "nav tāda kioska vai vietas nosaukums nederīgs",
           "why_form": "veidlapa nav no šīs lapas"},
    "en": {"channel": "channel {c}", "by_kiosk": "this kiosk", "by_site": "site {s}", "by_default": "default",
           "update": "Update: {r}", "form": "Update channel", "scope": "For",
           "kiosk": "A kiosk", "site": "A site", "target": "Kiosk id or site name", "choice": "Channel",
           "default": "default (stable)", "assign": "Assign", "refused": "Not assigned: {why}",
           "back": "Back", "why_target": "no such kiosk, or the site name is not valid",
           "why_form": "the form did not come from this page"},
}
# The last update result codes a technician meets most (docs/updates.md); others are shown as their code.
RESULT_WORDS = {
    "lv": {"update_running": "darbojas {v}", "update_installed": "{v} uzstādīts, gaida pārstartēšanu",
           "update_rolled_back": "{v} neiedarbojās, atgriezts iepriekšējais slots",
           "update_install_failed": "{v} uzstādīšana neizdevās"},
    "en": {"update_running": "running {v}", "update_installed": "{v} installed, waiting for the reboot",
           "update_rolled_back": "{v} did not come up, rolled back to the previous slot",
           "update_install_failed": "installing {v} failed"},
}


def form_key(token_sha256: str) -> str:
    """The value the form must send back: derived from the configured token hash, never shown elsewhere."""
    return hashlib.sha256(b"pietura fleet channel form\0" + token_sha256.encode("ascii")).hexdigest()


def channel_line(view: ChannelView | None, lang: str) -> str:
    """``channel pilot (site Cēsu bibliotēka)``; "" for a kiosk that has never polled."""
    if view is None:
        return ""
    t = TEXT[lang]
    why = (t["by_kiosk"] if view.by is Scope.KIOSK else t["by_site"].format(s=view.site) if view.by is Scope.SITE
           else t["by_default"])
    return visible(f"{t['channel'].format(c=view.channel.value)} ({why})")


def update_line(k: KioskStatus, lang: str) -> str:
    if not k.update_result:
        return ""
    words = RESULT_WORDS[lang].get(k.update_result)
    shown = words.format(v=k.update_version) if words else f"{k.update_result} {k.update_version}".strip()
    return visible(TEXT[lang]["update"].format(r=shown))


def form(lang: str, token_sha256: str, device_ids: list[str], sites: list[str]) -> str:
    t = TEXT[lang]
    options = "".join(f'<option value="{visible(v)}">' for v in [*device_ids, *sites])
    channels = "".join(f'<option value="{c.value}">{c.value}</option>' for c in Channel)
    return (f'<form class="k" method="post" action="/fleet/channel?lang={lang}" id="channel-form">'
            f'<h2>{t["form"]}</h2><input type="hidden" name="key" value="{form_key(token_sha256)}">'
            f'<p><label>{t["scope"]} <select name="scope" id="channel-scope"><option value="kiosk">{t["kiosk"]}</option>'
            f'<option value="site">{t["site"]}</option></select></label></p>'
            f'<p><label>{t["target"]}<br><input name="target" id="channel-target" list="channel-targets" required '
            f'maxlength="{MAX_SITE}" style="width:100%"></label><datalist id="channel-targets">{options}</datalist></p>'
            f'<p><label>{t["choice"]} <select name="channel" id="channel-choice">{channels}'
            f'<option value="{NO_CHANNEL}">{t["default"]}</option></select></label> '
            f'<button type="submit" id="channel-assign">{t["assign"]}</button></p></form>')


def _fields(body: bytes) -> dict[str, str]:
    pairs = urllib.parse.parse_qsl(body.decode("utf-8", errors="strict"), keep_blank_values=True,
                                   max_num_fields=8, strict_parsing=False)
    return {k: v for k, v in pairs}


def _valid_site(name: str) -> bool:
    return 0 < len(name) <= MAX_SITE and not any(unicodedata.category(ch).startswith(("C", "Z")) and ch != " "
                                                 for ch in name)


def _refused(lang: str, why: str) -> HTMLResponse:
    t = TEXT[lang]
    return HTMLResponse(f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>400</title>'
                        f'<p>{visible(t["refused"].format(why=why))}</p><p><a href="/fleet?lang={lang}">{t["back"]}</a>',
                        status_code=400, headers={"Cache-Control": "no-store"})


@router.post("/fleet/channel", include_in_schema=False, response_model=None)
async def assign(request: Request, gateway: GatewayDep, lang: str = "lv") -> HTMLResponse | RedirectResponse:
    expected = gateway.config.fleet_page_token_sha256
    if not expected:
        raise ApiError("not_found", 404, "the fleet page is not configured")
    if not authorised(request, expected):
        return unauthorised()
    lang = lang if lang in TEXT else "lv"
    body = await request.body()
    try:
        fields = _fields(body[:MAX_FORM_BYTES]) if len(body) <= MAX_FORM_BYTES else {}
    except (UnicodeDecodeError, ValueError):
        fields = {}
    if not secrets.compare_digest(fields.get("key", ""), form_key(expected)):
        return _refused(lang, TEXT[lang]["why_form"])
    scope_name, target, choice = fields.get("scope", ""), fields.get("target", "").strip(), fields.get("channel", "")
    if scope_name not in ("kiosk", "site") or choice not in (*(c.value for c in Channel), NO_CHANNEL):
        return _refused(lang, TEXT[lang]["why_form"])
    scope = Scope(scope_name)
    known = {d.device_id for d in gateway.store.list_devices()}
    if (scope is Scope.KIOSK and target not in known) or (scope is Scope.SITE and not _valid_site(target)):
        return _refused(lang, TEXT[lang]["why_target"])
    channel = None if choice == NO_CHANNEL else Channel(choice)
    ChannelStore(gateway.store.db).assign(scope, target, channel, gateway.clock())
    gateway.audit.append("update_channel_assigned", device_id=target if scope is Scope.KIOSK else None,
                         details={"scope": scope.value, "target": target, "channel": choice, "via": "fleet_page"})
    return RedirectResponse(f"/fleet?lang={lang}", status_code=303, headers={"Cache-Control": "no-store"})
