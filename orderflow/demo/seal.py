"""A generated company seal for the demo (P4.2.1 sealed print): a red round seal with a
five-pointed star and the company name along the upper arc, as SVG."""

import math
from xml.sax.saxutils import escape

SIZE = 200
RED = "#d7261e"


def _star(cx: float, cy: float, outer: float) -> str:
    inner = outer * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + i * 36)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return f'<polygon points="{" ".join(points)}" fill="{RED}"/>'


def _arc_text(name: str, cx: float, cy: float, radius: float) -> str:
    """Each character placed and turned on the arc (no textPath: renderers differ)."""
    chars = list(name) or [" "]
    span = min(250.0, 22.0 * len(chars))          # degrees the name covers
    start = -90 - span / 2
    step = span / max(1, len(chars) - 1) if len(chars) > 1 else 0
    font = max(12, min(26, int(radius * math.radians(span) / len(chars) * 0.95)))
    out = []
    for i, char in enumerate(chars):
        angle = start + i * step if len(chars) > 1 else -90
        x = cx + radius * math.cos(math.radians(angle))
        y = cy + radius * math.sin(math.radians(angle))
        out.append(
            f'<text x="{x:.2f}" y="{y:.2f}" font-size="{font}" fill="{RED}" '
            f'text-anchor="middle" dominant-baseline="central" '
            f'transform="rotate({angle + 90:.2f} {x:.2f} {y:.2f})">{escape(char)}</text>')
    return "".join(out)


def generated_seal_svg(company_name: str) -> bytes:
    """The seal as a standalone SVG document (UTF-8 bytes)."""
    c = SIZE / 2
    body = (
        f'<circle cx="{c}" cy="{c}" r="{c - 6}" fill="none" stroke="{RED}" stroke-width="7"/>'
        + _star(c, c, SIZE * 0.17)
        + _arc_text(company_name.strip()[:24], c, c, c - 32)
        + f'<text x="{c}" y="{c + 52}" font-size="15" fill="{RED}" text-anchor="middle">'
          "合同专用章</text>"
    )
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
           f'viewBox="0 0 {SIZE} {SIZE}" font-family="Noto Sans CJK SC, sans-serif">'
           f"{body}</svg>")
    return svg.encode()
