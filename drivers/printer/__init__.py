"""ESC/POS receipt printer driver on python-escpos: document model, settings and presets,
byte building with a pinned code page, validated status, transports and an emulator."""
