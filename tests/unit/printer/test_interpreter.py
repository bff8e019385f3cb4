import pytest
from escpos.printer import Dummy
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.printer.emulator.interpreter import EscposInterpreter, TruncatedCommand


def test_code_page_switch_and_reset_to_power_on_page():
    interp = EscposInterpreter()
    # ESC t 51 (CP1257) 'ā', then ESC @ returns to page 0 (CP437) where 0xE2 is 'Γ'
    interp.feed(b"\x1bt\x33\xe2\n\x1b@\xe2\n")
    assert [line.text for line in interp.lines] == ["ā", "Γ"]


def test_unknown_commands_are_recorded_with_offsets():
    interp = EscposInterpreter()
    interp.feed(b"ok\x1b\x7e\x07\x1d\x99x\n")
    assert [(u.offset, u.data) for u in interp.unknown] == [(2, b"\x1b\x7e"), (4, b"\x07"), (5, b"\x1d\x99")]
    assert interp.text() == "okx"


def test_unknown_code_page_slot_is_recorded_and_bytes_count_as_replacements():
    interp = EscposInterpreter({0: "cp437"})
    interp.feed(b"\x1bt\x19\xe2a\n")
    assert interp.unknown[0].data == b"\x1bt\x19"
    assert interp.replacements == 1 and interp.text() == "\ufffda"


def test_commands_split_across_feeds_and_truncation_raises():
    data = b"\x1bt\x33\x1bE\x01" + "Rīga".encode("cp1257") + b"\n"
    interp = EscposInterpreter()
    for byte in data:
        interp.feed(bytes([byte]))
    interp.finish()
    assert interp.lines[0].text == "Rīga" and interp.lines[0].bold
    broken = EscposInterpreter()
    broken.feed(b"\x1d(k\x10\x00\x31P0abc")
    with pytest.raises(TruncatedCommand):
        broken.finish()


def test_python_escpos_qr_raster_and_cut_bytes():
    p = Dummy(profile="TM-T20II")
    p.set(align="center")
    p.qr("https://x.lv/s/1?c=AB", native=True, size=5, ec=3)
    p.cut(mode="FULL")
    interp = EscposInterpreter()
    interp.feed(p.output)
    interp.finish()
    qr = interp.qr_codes[0]
    assert (qr.payload, qr.module_size, qr.ec, qr.align) == ("https://x.lv/s/1?c=AB", 5, "H", "center")
    assert interp.cuts == ["full"] and interp.unknown == []


def test_raster_image_is_rebuilt_pixel_exact():
    from PIL import Image

    image = Image.new("1", (16, 3), 1)
    image.putpixel((0, 0), 0)
    image.putpixel((15, 2), 0)
    p = Dummy(profile="TM-T20II")
    p.image(image, impl="bitImageRaster")
    interp = EscposInterpreter()
    interp.feed(p.output)
    rebuilt = interp.rasters[0].image
    assert rebuilt.size == (16, 3)
    assert rebuilt.getpixel((0, 0)) == 0 and rebuilt.getpixel((15, 2)) == 0 and rebuilt.getpixel((1, 1)) != 0


def test_status_queries_go_to_the_callback():
    seen = []
    interp = EscposInterpreter(on_status_query=seen.append)
    interp.feed(b"\x10\x04\x01\x10\x04\x04")
    assert seen == [1, 4] and interp.status_queries == [1, 4] and interp.text() == ""


def test_render_png_draws_lines(tmp_path):
    interp = EscposInterpreter()
    interp.feed(b"\x1bt\x33" + "Ķēķis".encode("cp1257") + b"\n\x1dV\x01")
    path = tmp_path / "r.png"
    interp.render_png(str(path), width_px=384)
    from PIL import Image

    with Image.open(path) as img:
        assert img.width == 384 + 32 and img.convert("L").getextrema()[0] == 0


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300), st.lists(st.integers(1, 40), max_size=10))
def test_any_bytes_in_any_chunks_decode_the_same_or_raise_truncated(data, cuts):
    whole = EscposInterpreter()
    whole.feed(data)
    pieces = EscposInterpreter()
    start = 0
    for size in cuts:
        pieces.feed(data[start:start + size])
        start += size
    pieces.feed(data[start:])
    assert pieces.text() == whole.text() and pieces.unknown == whole.unknown
    assert pieces.qr_payloads == whole.qr_payloads and pieces.cuts == whole.cuts
    try:
        whole.finish()
    except TruncatedCommand:
        pass


def test_column_image_and_stored_graphic():
    interp = EscposInterpreter()
    # ESC * m=0 (8-dot), 2 columns: first column top pixel, second column bottom pixel
    interp.feed(b"\x1b*\x00\x02\x00\x80\x01")
    # GS ( L store raster (fn 112): 8x2 dots, first row black; then print (fn 50)
    body = b"\x30\x70\x30\x01\x01\x31\x08\x00\x02\x00" + b"\xff\x00"
    interp.feed(b"\x1d(L" + bytes([len(body), 0]) + body + b"\x1d(L\x02\x00\x30\x32")
    interp.finish()
    column, stored = (r.image for r in interp.rasters)
    assert column.size == (2, 8) and column.getpixel((0, 0)) == 0 and column.getpixel((1, 7)) == 0
    assert column.getpixel((0, 7)) != 0
    assert stored.size == (8, 2) and stored.getpixel((3, 0)) == 0 and stored.getpixel((3, 1)) != 0
    assert interp.unknown == []
