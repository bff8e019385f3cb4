"""One module (+ .kv) per kind of screen; :func:`screen_class` picks the class for a screen name."""

from __future__ import annotations


def screen_class(screen: str) -> type:
    from kiosk.ui.screens import catalogue, form, message, pin, report, result, review, welcome

    return {
        "welcome": welcome.WelcomeScreen,
        "pin": pin.PinScreen,
        "pin_change": pin.PinScreen,  # the same pad: another title, prompt and counter per step
        "catalogue": catalogue.CatalogueScreen,
        "form": form.FormScreen,
        "proxy_authorisation": form.FormScreen,  # the e-asistents authorisation is a form
        "staff_reprint": form.FormScreen,  # one field: the reference, on the on-screen keyboard
        "review": review.ReviewScreen,
        "result": result.ResultScreen,
        "provisioning_report": report.ReportScreen,  # first boot's report: texts left, a large QR code right
    }.get(screen, message.MessageScreen)
