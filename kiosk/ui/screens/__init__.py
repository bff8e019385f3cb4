"""One module (+ .kv) per kind of screen; :func:`screen_class` picks the class for a screen name."""

from __future__ import annotations


def screen_class(screen: str) -> type:
    from kiosk.ui.screens import catalogue, form, message, pin, result, review, welcome

    return {
        "welcome": welcome.WelcomeScreen,
        "pin": pin.PinScreen,
        "catalogue": catalogue.CatalogueScreen,
        "form": form.FormScreen,
        "proxy_authorisation": form.FormScreen,  # the e-asistents authorisation is a form
        "staff_reprint": form.FormScreen,  # one field: the reference, on the on-screen keyboard
        "review": review.ReviewScreen,
        "result": result.ResultScreen,
    }.get(screen, message.MessageScreen)
