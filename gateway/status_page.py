"""Public HTML status page behind the receipt's QR code: service, status, dates; LV/EN.

No personal data: the page knows only the reference, the service id and times. A wrong
short code looks exactly like an unknown reference. A pending receipt's local reference
(P-XXXX-XXXX) shows "not received yet" until the kiosk has delivered it, then the final
reference and its status — only with the code printed on the pending receipt (``?c=``). Every
lookup takes from the client address's bucket in the shared store (429 with Retry-After). CSP,
framing and referrer headers come from ``app.SecurityHeaders``.
"""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse

from gateway.deps import GatewayDep, PublicClient
from gateway.errors import ApiError
from gateway.models import error_responses
from gateway.routes_submissions import current_status, pending_status
from gateway.service import Gateway
from gateway.store import SubmissionRow, from_ms
from wire.protocol import LOCAL_REFERENCE_PATTERN

router = APIRouter(tags=["status page"])

TEXT = {
    "lv": {"title": "Iesnieguma statuss", "reference": "Numurs", "service": "Pakalpojums",
           "status": "Statuss", "received": "Saņemts", "updated": "Atjaunots",
           "not_found": "Iesniegums ar šādu numuru un kodu nav atrasts.", "other": "English",
           "local": "Vietējais numurs",
           "pending": "Vēl nav saņemts. Kiosks iesniegumu nosūtīs automātiski, tiklīdz būs savienojums; "
                      "lūdzu, pārbaudiet vēlāk.",
           "refused": "Iesniegumu nevarēja pieņemt. Lūdzu, vērsieties pie bibliotēkas darbinieka.",
           "code_needed": "Iesniegums ir nosūtīts. Tā statusu var redzēt ar kodu, kas norādīts kvītī: "
                          "atveriet kvīts QR kodu.",
           "states": {"received": "saņemts", "registered": "reģistrēts", "rejected": "noraidīts",
                      "completed": "izpildīts"}},
    "en": {"title": "Submission status", "reference": "Reference", "service": "Service",
           "status": "Status", "received": "Received", "updated": "Updated",
           "not_found": "No submission with this reference and code was found.", "other": "Latviski",
           "local": "Local reference",
           "pending": "Not received yet. The kiosk sends the submission automatically as soon as it is "
                      "connected; please check again later.",
           "refused": "The submission could not be accepted. Please ask the library staff.",
           "code_needed": "The submission has been delivered. Its status is shown with the code printed on "
                          "the receipt: open the receipt's QR code.",
           "states": {"received": "received", "registered": "registered", "rejected": "rejected",
                      "completed": "completed"}},
}

_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:1rem auto;padding:0 1rem;line-height:1.5}}
dt{{font-weight:bold}}dd{{margin:0 0 .75rem 0}}.status{{font-size:1.4rem}}</style></head>
<body><h1>{title}</h1>{content}<p><a href="{switch}">{other}</a></p></body></html>"""


def _date(ms_value: int) -> str:
    return from_ms(ms_value).strftime("%Y-%m-%d %H:%M UTC")


def _service_title(gateway: Gateway, service_id: str, lang: str) -> str:
    for service in gateway.catalogue.data.get("services", []):
        if service.get("id") == service_id:
            title = service.get("title")
            if isinstance(title, dict):
                return str(title.get(lang) or title.get("lv") or service_id)
            if isinstance(title, str):
                return title
    return service_id


@router.get("/s/{reference}", response_class=HTMLResponse, include_in_schema=True, dependencies=[PublicClient],
            responses={
                404: {"description": "No submission with this reference and code (an HTML page saying so)",
                      "content": {"text/html": {"schema": {"type": "string"}}}},
                **error_responses(422, 429, 503, html_route=True)})
def status_page(reference: Annotated[str, Path(max_length=64)], gateway: GatewayDep,
                c: Annotated[str, Query(max_length=16)] = "",
                lang: Annotated[str, Query(pattern="^(lv|en)$")] = "lv") -> HTMLResponse:
    text = TEXT[lang]
    other = "en" if lang == "lv" else "lv"
    switch = html.escape(f"/s/{reference}?c={c}&lang={other}", quote=True)
    if LOCAL_REFERENCE_PATTERN.match(reference):
        return _local_page(gateway, reference, c, lang, switch)
    try:
        row = current_status(gateway, reference, c)
    except ApiError:
        content = f"<p>{html.escape(text['not_found'])}</p>"
        page = _PAGE.format(lang=lang, title=text["title"], content=content, switch=switch, other=text["other"])
        return HTMLResponse(page, status_code=404, headers={"Cache-Control": "no-store"})
    page = _PAGE.format(lang=lang, title=text["title"], content=_details(gateway, row, lang), switch=switch,
                        other=text["other"])
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})


def _details(gateway: Gateway, row: SubmissionRow, lang: str, first: str = "") -> str:
    text = TEXT[lang]
    state = text["states"].get(row.status, row.status)
    return (
        f"<dl>{first}"
        f"<dt>{text['reference']}</dt><dd>{html.escape(row.reference)}</dd>"
        f"<dt>{text['service']}</dt><dd>{html.escape(_service_title(gateway, row.service_id, lang))}</dd>"
        f"<dt>{text['status']}</dt><dd class=\"status\">{html.escape(state)}</dd>"
        f"<dt>{text['received']}</dt><dd>{_date(row.received_at)}</dd>"
        f"<dt>{text['updated']}</dt><dd>{_date(row.status_at)}</dd>"
        "</dl>")


def _local_page(gateway: Gateway, local_ref: str, code: str, lang: str, switch: str) -> HTMLResponse:
    text = TEXT[lang]
    state, row, _code = pending_status(gateway, local_ref, code)
    first = f"<dt>{text['local']}</dt><dd>{html.escape(local_ref)}</dd>"
    if row is not None:
        content = _details(gateway, row, lang, first)
    else:
        message = text[{"rejected": "refused", "delivered": "code_needed"}.get(state, "pending")]
        content = f"<dl>{first}</dl><p class=\"status\">{html.escape(message)}</p>"
    page = _PAGE.format(lang=lang, title=text["title"], content=content, switch=switch, other=text["other"])
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})
