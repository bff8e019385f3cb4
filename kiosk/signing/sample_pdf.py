"""A small real one-page PDF (text and a frame, the standard Helvetica font, no external parts):
the demo stick's document to sign and the tests' page to picture."""

from __future__ import annotations


def one_page_pdf(title: str, lines: tuple[str, ...] = ()) -> bytes:
    """An A4 page with ``title`` large and ``lines`` below (ASCII: the standard fonts' encoding)."""
    def text(s: str) -> str:
        return s.encode("ascii", "replace").decode().replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = ["0.2 0.3 0.5 RG 4 w 40 40 515 762 re S", "BT /F1 26 Tf 60 760 Td (" + text(title) + ") Tj ET"]
    for number, line in enumerate(lines):
        body.append(f"BT /F1 13 Tf 60 {715 - 20 * number} Td ({text(line)}) Tj ET")
    stream = "\n".join(body).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, content in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
