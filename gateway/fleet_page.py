"""``GET /fleet``: every kiosk on one page for technicians and staff — last seen, version, problems — on a phone.

Access: the token made by ``kiosk-gateway admin fleet-token`` (only its SHA-256 is in the configuration),
as the password of HTTP Basic authentication (any user name; phones ask for it) or as a Bearer token.
Without ``[fleet] page_token_sha256`` the page does not exist. The page holds no personal data: kiosk names,
codes, counts. One column of cards, so it reads on a narrow screen; it reloads itself every minute.

Every text a kiosk sent (version, printer code, check names, counters, the system report's details) and every
kiosk name is shown through :func:`visible`: control characters (C0, DEL, C1), format characters (bidi overrides
and isolates such as U+202E, zero-width marks), line/paragraph separators and lone surrogates are written as
``U+XXXX`` in the page instead of reaching the HTML raw, so no kiosk can reorder, hide or break what a
technician reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from gateway.deps import GatewayDep
from gateway.errors import ApiError
from gateway.fleet import KioskStatus, Problem, fleet
from gateway.fleet_access import authorised, unauthorised, visible
from gateway.fleet_channels import channel_line, form, update_line
from gateway.store import ms
from gateway.update_channels import ChannelStore, ChannelView

router = APIRouter(tags=["fleet page"])
REFRESH_S = 60

TEXT = {
    "lv": {"title": "Kiosku stāvoklis", "other": "English", "none": "Vēl nav neviena kioska.",
           "seen": "Pēdējais ziņojums: {ago}", "never": "nav ziņojis", "version": "versija {v}", "slot": "slots {s}",
           "ago_s": "tikko", "ago_m": "pirms {n} min", "ago_h": "pirms {n} h", "ago_d": "pirms {n} d",
           "app": "lietotne", "system": "sistēma", "stale": "novecojis", "no_report": "nav ziņojuma",
           "all_ok": "Viss kārtībā", "revoked": "Atsaukts", "offline": "Nesazināms",
           "counters": {"outbox_pending": "Gaida nosūtīšanu", "callbacks_pending": "Atzvanīšanas pieprasījumi gaida"}, "updated": "Atjaunots {at} UTC",
           "summary": "Ar problēmām: {fail} · nesazināmi: {offline} · kārtībā: {ok}"},
    "en": {"title": "Kiosk status", "other": "Latviski", "none": "No kiosks yet.",
           "seen": "Last report: {ago}", "never": "never reported", "version": "version {v}", "slot": "slot {s}",
           "ago_s": "just now", "ago_m": "{n} min ago", "ago_h": "{n} h ago", "ago_d": "{n} d ago",
           "app": "app", "system": "system", "stale": "stale", "no_report": "no report",
           "all_ok": "All fine", "revoked": "Revoked", "offline": "Offline",
           "counters": {"outbox_pending": "Waiting to be sent", "callbacks_pending": "Callback requests waiting"}, "updated": "Updated {at} UTC",
           "summary": "With problems: {fail} · offline: {offline} · fine: {ok}"},
}
PROBLEMS = {
    "lv": {"offline": "Nav ziņojis {minutes} min", "never_seen": "Nav ziņojis kopš reģistrācijas",
           "source_stale": "{source}: nav ziņojusi {minutes} min", "clock_skew": "Pulkstenis atšķiras par {seconds} s",
           "out_of_order": "Kiosks nedarbojas (kļūdains iestatījums)", "help_requested": "Kioskā prasa palīdzību",
           "paper_out": "Printerim beidzies papīrs", "paper_near_end": "Printerim drīz beigsies papīrs",
           "printer_status_unknown": "Printera stāvoklis nav zināms", "printer_error": "Printera kļūda: {code}",
           "reader_missing": "Nav karšu lasītāja", "outbox_backlog": "Iesniegumi gaida nosūtīšanu: {count}, vecākais {minutes} min",
           "check": "Pārbaude neizdevās: {name}",
           "callbacks_refused": "Atzvanīšanas pieprasījumi, ko vārteja noraidīja: {count}", "update_failed": "Atjauninājums {version} neizdevās: {code}"},
    "en": {"offline": "No report for {minutes} min", "never_seen": "Has not reported since enrolment",
           "source_stale": "{source}: no report for {minutes} min", "clock_skew": "Clock is off by {seconds} s",
           "out_of_order": "Out of order (bad settings)", "help_requested": "Someone is asking for help",
           "paper_out": "Printer out of paper", "paper_near_end": "Printer paper running low",
           "printer_status_unknown": "Printer status unknown", "printer_error": "Printer error: {code}",
           "reader_missing": "Card reader missing", "outbox_backlog": "Submissions waiting to be sent: {count}, oldest {minutes} min",
           "check": "Check not passed: {name}",
           "callbacks_refused": "Callback requests the gateway refused: {count}", "update_failed": "Update {version} failed: {code}"},
}

_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><meta http-equiv="refresh" content="{refresh}"><title>{title}</title>
<style>
body{{font-family:sans-serif;margin:0 auto;max-width:40rem;padding:.5rem;line-height:1.4;color:#1a1a1a;background:#f4f3ef}}
h1{{font-size:1.4rem;margin:.5rem 0}}.top{{display:flex;justify-content:space-between;align-items:baseline;gap:.5rem;flex-wrap:wrap}}
.k{{background:#fff;border-left:.5rem solid #2e7d32;border-radius:.4rem;padding:.6rem .8rem;margin:.6rem 0;overflow-wrap:anywhere}}
.k.fail{{border-color:#b00020}}.k.offline{{border-color:#5f5f5f}}.k.warn{{border-color:#b26a00}}.k.revoked{{opacity:.6}}
.k h2{{font-size:1.1rem;margin:0}}.meta,.src,.cnt,.det,.upd{{font-size:.9rem;color:#444;margin:.2rem 0}}
select,input,button{{font-size:1rem;padding:.3rem}}
ul{{margin:.3rem 0;padding-left:1.2rem}}li.fail{{color:#b00020;font-weight:bold}}li.warn{{color:#7a4a00}}
.ok{{color:#2e7d32}}a{{color:#0b4f8a}}
</style></head><body><div class="top"><h1>{title}</h1><a href="?lang={other_lang}">{other}</a></div>
<p class="meta">{summary} · {updated}</p>{cards}</body></html>"""


def _ago(seconds: int | None, t: dict) -> str:
    if seconds is None:
        return t["never"]
    if seconds < 60:
        return t["ago_s"]
    if seconds < 3600:
        return t["ago_m"].format(n=seconds // 60)
    if seconds < 86400:
        return t["ago_h"].format(n=seconds // 3600)
    return t["ago_d"].format(n=seconds // 86400)


def problem_text(problem: Problem, lang: str) -> str:
    args = dict(problem.args)
    if "source" in args:
        args["source"] = TEXT[lang].get(args["source"], args["source"])
    return PROBLEMS[lang][problem.code].format(**args)


def _card(k: KioskStatus, lang: str, view: ChannelView | None = None) -> str:
    t = TEXT[lang]
    e = visible
    seen = t["seen"].format(ago=_ago(k.last_seen_age_s, t))
    meta = [seen] + ([t["version"].format(v=e(k.version))] if k.version else [])
    meta += [t["slot"].format(s=e(k.slot))] if k.slot else []
    parts = [f'<section class="k {k.level}" id="kiosk-{e(k.device_id)}"><h2>{e(k.name)}</h2>',
             f'<p class="meta">{e(k.device_id)} · {" · ".join(meta)}</p>']
    updates = [line for line in (channel_line(view, lang), update_line(k, lang)) if line]
    if updates:
        parts.append(f'<p class="upd">{" · ".join(updates)}</p>')
    if k.status != "active":
        parts.append(f'<p>{t["revoked"]}</p>')
    elif k.problems:
        items = "".join(f'<li class="{p.level}">{e(problem_text(p, lang))}</li>' for p in k.problems)
        parts.append(f"<ul>{items}</ul>")
    else:
        parts.append(f'<p class="ok">{t["all_ok"]}</p>')
    if k.details and k.level not in ("offline", "revoked"):
        parts.append(f'<p class="det">{e(k.details)}</p>')
    if k.counters:
        counters = " · ".join(f"{e(t['counters'].get(name, name))}: {e(value)}" for name, value in k.counters)
        parts.append(f'<p class="cnt">{counters}</p>')
    sources = " · ".join(
        f"{t[s.source]}: {_ago(s.age_s, t) if s.age_s is not None else t['no_report']}"
        + (f" ({t['stale']})" if s.stale else "") for s in k.sources)
    parts.append(f'<p class="src">{sources}</p></section>')
    return "".join(parts)


@router.get("/fleet", response_class=HTMLResponse, include_in_schema=False)
def fleet_page(request: Request, gateway: GatewayDep,
               lang: Annotated[str, Query(pattern="^(lv|en)$")] = "lv") -> HTMLResponse:
    expected = gateway.config.fleet_page_token_sha256
    if not expected:
        raise ApiError("not_found", 404, "the fleet page is not configured")
    if not authorised(request, expected):
        return unauthorised()
    now = gateway.clock()
    rows = fleet(gateway.store.list_devices(), ms(now), gateway.config.fleet_stale_minutes * 60)
    t = TEXT[lang]
    counts = {"fail": sum(k.level in ("fail", "warn") for k in rows), "offline": sum(k.level == "offline" for k in rows),
              "ok": sum(k.level == "ok" for k in rows)}
    channels = ChannelStore(gateway.store.db)
    views = channels.views()
    cards = "".join(_card(k, lang, views.get(k.device_id)) for k in rows) or f"<p>{t['none']}</p>"
    cards += form(lang, expected, [k.device_id for k in rows if k.status == "active"], channels.sites())
    page = _PAGE.format(lang=lang, title=t["title"], other=t["other"], other_lang="en" if lang == "lv" else "lv",
                        refresh=REFRESH_S, summary=t["summary"].format(**counts),
                        updated=now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M"), cards=cards)
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})  # CSP, framing, referrer: app.SecurityHeaders
