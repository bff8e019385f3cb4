"""The audit's report: ``report.json`` merged from the panels' parts, one contact sheet per panel,
and the totals printed last."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from devtools.audit.rules import Rule

SHEET_COLUMNS = 8
THUMB_WIDTH = 240
CAPTION_PX = 30
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def merge(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One report from the panels' parts: ``renders`` (count), ``panels``, ``counts`` per rule (every
    rule, zero included), ``findings`` and per-panel figures."""
    findings = [f for part in parts for f in part["findings"]]
    counts = Counter(f["rule"] for f in findings)
    return {
        "renders": sum(len(part["renders"]) for part in parts),
        "panels": [part["panel"] for part in parts],
        "counts": {rule.value: counts.get(rule.value, 0) for rule in Rule},
        "findings": findings,
        "later_pages": sum(r.get("later_pages", 0) for part in parts for r in part["renders"]),
        "per_panel": {part["panel"]: {"renders": len(part["renders"]), "findings": len(part["findings"]),
                                      "later_pages": sum(r.get("later_pages", 0) for r in part["renders"]),
                                      "seconds": part["seconds"], "spent": part.get("spent", {}),
                                      "sheet": sheet_name(part["panel"])}
                      for part in parts},
        "render_list": {part["panel"]: [r["label"] for r in part["renders"]] for part in parts},
    }


def sheet_name(panel: str) -> str:
    return f"contact-sheet-{panel}.png"


def write_report(report: dict[str, Any], out_dir: Path) -> Path:
    path = out_dir / "report.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def contact_sheet(part: dict[str, Any], part_dir: Path, out_path: Path) -> Path:
    """Every render of one panel as a thumbnail with its name and its number of findings (red if any)."""
    from PIL import Image, ImageDraw, ImageFont

    renders = part["renders"]
    if not renders:
        raise ValueError(f"no renders for {part['panel']}")
    first = Image.open(part_dir / renders[0]["picture"])
    scale = THUMB_WIDTH / first.width
    thumb = (THUMB_WIDTH, round(first.height * scale))
    cell = (thumb[0] + 8, thumb[1] + CAPTION_PX + 8)
    rows = -(-len(renders) // SHEET_COLUMNS)
    sheet = Image.new("RGB", (cell[0] * SHEET_COLUMNS, cell[1] * rows), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(FONT), 11) if FONT.exists() else ImageFont.load_default()
    for i, render in enumerate(renders):
        x, y = (i % SHEET_COLUMNS) * cell[0] + 4, (i // SHEET_COLUMNS) * cell[1] + 4
        with Image.open(part_dir / render["picture"]) as picture:
            sheet.paste(picture.convert("RGB").resize(thumb), (x, y))
        colour = (180, 0, 0) if render["findings"] else (0, 110, 0)
        draw.text((x, y + thumb[1] + 2), render["label"], fill=(0, 0, 0), font=font)
        draw.text((x, y + thumb[1] + 15), f"{render['findings']} findings", fill=colour, font=font)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out_path, optimize=True)
    return out_path


def totals(report: dict[str, Any]) -> str:
    """The lines printed last: renders, panels, findings per rule."""
    lines = [f"UI audit: {report['renders']} renders and {report.get('later_pages', 0)} later pages of them "
             f"on {len(report['panels'])} panels ({', '.join(report['panels'])})"]
    for panel, figures in report["per_panel"].items():
        spent = ", ".join(f"{what} {s} s" for what, s in figures["spent"].items())
        lines.append(f"  {panel}: {figures['renders']} renders, {figures.get('later_pages', 0)} later pages, "
                     f"{figures['findings']} findings, "
                     f"{figures['seconds']} s" + (f" ({spent})" if spent else ""))
    width = max(len(rule) for rule in report["counts"])
    lines += [f"  {rule:<{width}}  {n}" for rule, n in report["counts"].items()]
    lines.append(f"  {'total':<{width}}  {sum(report['counts'].values())}")
    return "\n".join(lines)
