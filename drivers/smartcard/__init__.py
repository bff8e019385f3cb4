"""Latvian/Estonian eID cards over PC/SC.

``readers.PcscReaders`` (events, connect) → ``cards.open_eid(transport)`` → ``EidCard``
(identity, PIN tries, authenticate, PIN change/unblock). ``emulator`` holds the card emulator.
See docs/smartcard.md.
"""
