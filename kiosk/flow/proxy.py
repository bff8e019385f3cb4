"""Proxy submission (e-asistents): staff submit an e-service for a citizen without a usable eID.

Staff stay signed in with their own card (the gateway checks the staff role on the envelope's
session). First the authorisation form (``kiosk.staff.authorisation``): the citizen's name and
personal code, the written authorisation's number, date and scope, and the identity-document check.
Then the authorised service — only that one — is filled for the citizen with the usual form, review
and check-answers screens; this module adjusts what they produce: the form is prefilled from the citizen,
the envelope carries the proxy block, two receipts print (the second is the citizen's copy).
Finish, Back from the authorisation, or the end of the journey return to the staff panel with every
trace of the citizen dropped; card removal or an idle timeout wipe everything, staff session too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from kiosk.backend.envelope import ProxyBlock
from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import formstep
from kiosk.flow.panel import back_to_panel
from kiosk.flow.state import ProxySession, Screen, State, goto
from kiosk.receipts import Copy, ProxyFacts, initials
from kiosk.services import form as forms
from kiosk.services.messages import message
from kiosk.staff.authorisation import authorisation_form, proxy_block

PROXY_ROLE = "staff"  # the gateway refuses proxy envelopes from sessions without it
Handler = Callable[[State, object], tuple[State, fx.Effects]]


def may_submit_for_others(state: State) -> bool:
    return state.session is not None and PROXY_ROLE in state.session.roles


def start(state: State) -> tuple[State, fx.Effects]:
    """From the staff panel: an empty authorisation form (never for a session without the role)."""
    if not may_submit_for_others(state):
        return state, ()
    if state.catalogue is None or state.today is None:  # the scope list and the date checks need them
        return replace(state, staff_task=("proxy", "catalogue_missing")), (fx.LoadCatalogue(),)
    # No check-answers page: the identity-document check is a question (a checkbox) like the others.
    form = forms.start_form(authorisation_form(state.catalogue), {}, state.today, ends_in_review=False)
    return goto(state, Screen.PROXY_AUTHORISATION, proxy=ProxySession(form), staff_task=None, health=None), ()


def step(state: State, event: object, handler: Handler | None) -> tuple[State, fx.Effects]:
    """Every event while ``state.proxy`` is set; the usual screen ``handler`` does the rest."""
    session = state.proxy
    if session is None or not may_submit_for_others(state):  # cannot happen through the flow; refuse
        return back_to_panel(state, wipe=True)
    if state.screen == Screen.PROXY_AUTHORISATION:
        return _authorisation(state, event, session)
    block = session.block
    if block is None:
        return back_to_panel(state, wipe=True)
    if isinstance(event, ev.Finish) and state.screen != Screen.SUBMITTING:
        return back_to_panel(state, wipe=True)
    if state.screen == Screen.SERVICE_INTRO:
        if isinstance(event, ev.StartForm):
            form = formstep.start(state, identity=block)
            return goto(state, Screen.FORM, form=form, form_errors=None), ()
        if isinstance(event, ev.Back):  # to the authorisation's last step, to correct it
            earlier = replace(session, form=forms.back(session.form), errors=None, block=None)
            return goto(state, Screen.PROXY_AUTHORISATION, proxy=earlier, service_id=None), ()
    if handler is None:
        return state, ()
    after, effects = handler(state, event)
    return after, tuple(_for_citizen(effect, block) for effect in effects)


def _authorisation(state: State, event: object, session: ProxySession) -> tuple[State, fx.Effects]:
    if isinstance(event, ev.Answer):
        errors = session.errors
        if errors and event.field_id in errors:
            errors = {k: v for k, v in errors.items() if k != event.field_id} or None
        answered = replace(session, form=formstep.answer(session.form, event.field_id, event.value), errors=errors)
        return replace(state, proxy=answered), ()
    if isinstance(event, ev.Next):
        form, errors, complete = formstep.next_step(session.form)
        if errors:
            return replace(state, proxy=replace(session, form=form, errors=errors)), ()
        if not complete:
            return replace(state, proxy=replace(session, form=form, errors=None)), ()
        block = proxy_block(forms.canonical_answers(form))
        if not formstep.has_service(state.catalogue, block.scope):  # the catalogue changed meanwhile
            gone = {"scope": message("invalid_choice")}
            return replace(state, proxy=replace(session, form=forms.go_to(form, "scope"), errors=gone)), ()
        done = replace(session, form=form, errors=None, block=block)
        return goto(state, Screen.SERVICE_INTRO, proxy=done, service_id=block.scope, form=None), ()
    if isinstance(event, ev.Back):
        form, left = formstep.back(session.form)
        if left:
            return back_to_panel(state, wipe=True)
        return replace(state, proxy=replace(session, form=form, errors=None)), ()
    if isinstance(event, ev.Finish):
        return back_to_panel(state, wipe=True)
    return state, ()


def _for_citizen(effect: fx.Effect, block: ProxyBlock) -> fx.Effect:
    """The usual screens' effects, made for the citizen: proxy envelope, citizen's receipts."""
    if isinstance(effect, fx.SubmitForm):
        return replace(effect, proxy=block, assisted_by="")
    if isinstance(effect, fx.PrintReceipt):
        facts = replace(effect.facts, citizen_initials=initials(f"{block.given_name} {block.surname}"),
                        proxy=ProxyFacts("", block.authorisation_ref), assisted=False)
        return replace(effect, facts=facts, copies=(Copy.RECEIPT, Copy.CITIZEN))
    return effect

