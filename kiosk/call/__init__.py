"""Video consultations, kiosk side: the citizen's call flow (pure), the runner of its effects, the call
client (signalling + aiortc), generated media for tests, the callback ticket and the words (docs/video.md).
Needs the ``call`` extra (aiortc, websockets, numpy) except for ``flow`` and ``words``."""
