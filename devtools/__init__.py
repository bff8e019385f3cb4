"""Developer tools: the demo, the screenshot tour, the UI driver and the Xvfb helper.

Run from a checkout (``make demo``, ``make screenshots``) and by the tests; the kiosk image does not
carry this package, and nothing shipped imports it (``.importlinter``).
"""
