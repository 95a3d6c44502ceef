"""What the map's pictures (the world map, the network) share: the SVG element and, for a picture made for
reports, its frame: a white ground, a title and lines above the drawing, the legend below it."""

from collections.abc import Callable

from django.utils.html import escape


def begin(
    width: int, height: int, css_class: str, *, frame: list[str] | None, element_id: str, legend_height: int
) -> tuple[list[str], int]:
    """The opening markup of a picture whose drawing is `width` × `height`, and how far down the drawing
    starts (0 without a frame). With `frame` (a title and lines under it), the picture is drawn at twice its
    size for a slide or a page, and room of `legend_height` is kept under the drawing."""
    top = 30 + 22 * len(frame) if frame else 0
    total = height + top + (legend_height if frame else 0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total}"'
        + (f' width="{width * 2}" height="{total * 2}"' if frame else "")
        + (f' id="{element_id}"' if element_id else "")
        + f' class="{css_class}" font-family="sans-serif">'
    ]
    if frame:
        out.append(f'<rect width="{width}" height="{total}" fill="#fff"/>')
        out.append(
            f'<text x="10" y="26" font-size="20" font-weight="bold" fill="#0a2b41">{escape(frame[0])}</text>'
        )
        out += [
            f'<text x="10" y="{26 + 22 * i}" font-size="14" fill="#17212f">{escape(line)}</text>'
            for i, line in enumerate(frame[1:], start=1)
        ]
        out.append(f'<g transform="translate(0 {top})">')
    return out, top


def end(out: list[str], *, frame: list[str] | None, legend: Callable[[], str]) -> str:
    """The picture's markup closed: with a frame, the drawing's group and the legend (`legend()`) after it."""
    if frame:
        out.append("</g>")
        out.append(legend())
    out.append("</svg>")
    return "".join(out)
