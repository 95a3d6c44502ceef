"""The countries of the world map, as SVG paths in the Equal Earth projection.

Natural Earth's country shapes at 1:110 million come as TopoJSON in the `world-atlas` package (vendored under
`static/vendor/world-atlas/`). `manage.py build_world_shapes` projects them once, with the formulas below,
into `pages/world_shapes.json`, which is committed: the site only reads that file. Each shape keeps its ISO
3166-1 numeric code and is matched through pycountry to the alpha-2 code of the `Country` rows. Shapes
without a code (Natural Earth's Kosovo, Northern Cyprus, Somaliland) are drawn but name no country.
Countries too small for that scale (Singapore, Malta, most islands) get a point instead, at the position
countryinfo gives them, so that the map can mark them when they have products.
"""

import json
from dataclasses import dataclass
from functools import cache
from math import asin, cos, pi, radians, sin, sqrt
from pathlib import Path

import countryinfo
import pycountry
from django.conf import settings

SOURCE = Path(settings.BASE_DIR) / "static" / "vendor" / "world-atlas" / "countries-110m.json"
SHAPES = Path(__file__).resolve().parent / "world_shapes.json"
WIDTH = 1000  # of the map's viewBox; coordinates are rounded to whole units of it
ANTARCTICA = "010"  # no knowledge products there; leaving it out gives the inhabited world more room

# Equal Earth (Šavrič, Patterson and Jenny, 2018), as published: equal-area, with straight parallels.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = sqrt(3) / 2


def equal_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """Projected (x, y) of a point in degrees, y growing northwards, on a sphere of radius 1."""
    theta = asin(M * sin(radians(latitude)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = radians(longitude) * cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


HALF_WIDTH = equal_earth(180, 0)[0]  # x of the antimeridian on the equator (about 2.707)
assert abs(HALF_WIDTH - pi / (M * A1)) < 1e-9


@dataclass(frozen=True)
class Shape:
    code: str  # ISO 3166-1 alpha-2; "" for a shape that names no ISO country
    name: str  # Natural Earth's name, for shapes without a code
    path: str  # SVG path data in the viewBox


@dataclass(frozen=True)
class Point:
    code: str
    x: int
    y: int


@dataclass(frozen=True)
class World:
    width: int
    height: int
    shapes: list[Shape]
    points: dict[str, Point]  # countries without a shape, by code


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantised, delta-encoded arcs as lists of (longitude, latitude)."""
    (scale_x, scale_y), (move_x, move_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + move_x, y * scale_y + move_y))
        arcs.append(points)
    return arcs


def _ring(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    """A ring from its arcs; a negative index (~i) is arc i backwards. Each arc starts where the last ends."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _split_at_antimeridian(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses the 180th meridian (Russia's Chukotka, Fiji) as the part on each side of it:
    its longitudes made continuous, then clipped to each side and moved back onto the map."""
    unwrapped = [ring[0]]
    for lon, lat in ring[1:]:
        previous = unwrapped[-1][0]
        lon += 360 * round((previous - lon) / 360)
        unwrapped.append((lon, lat))
    low, high = min(p[0] for p in unwrapped), max(p[0] for p in unwrapped)
    if low >= -180 and high <= 180:
        return [ring]
    shift = 360 if high > 180 else -360
    inside = _clip(
        unwrapped, lambda lon: lon <= 180 if shift > 0 else lon >= -180, 180 if shift > 0 else -180
    )
    moved = [(lon - shift, lat) for lon, lat in unwrapped]
    outside = _clip(moved, lambda lon: lon >= -180 if shift > 0 else lon <= 180, -180 if shift > 0 else 180)
    return [part for part in (inside, outside) if len(part) >= 3]


def _clip(ring: list[tuple[float, float]], keeps, edge: float) -> list[tuple[float, float]]:
    """Sutherland–Hodgman: the ring cut to the side of the meridian `edge` where `keeps(longitude)`."""
    clipped = []
    for i, (lon, lat) in enumerate(ring):
        last_lon, last_lat = ring[i - 1]
        if keeps(lon) != keeps(last_lon):
            share = (edge - last_lon) / (lon - last_lon)
            clipped.append((edge, last_lat + share * (lat - last_lat)))
        if keeps(lon):
            clipped.append((lon, lat))
    return clipped


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def _alpha_2(numeric: str | None) -> str:
    country = pycountry.countries.get(numeric=numeric) if numeric else None
    return country.alpha_2 if country else ""


def build(topology: dict) -> dict:
    """The projected world as the JSON the site reads: {width, height, shapes: [[code, name, path]]}."""
    arcs = _decode_arcs(topology)
    projected = []  # (code, name, [rings of (x, y)])
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") == ANTARCTICA:
            continue
        rings = [
            [equal_earth(lon, lat) for lon, lat in part]
            for polygon in _polygons(geometry)
            for ring in polygon
            for part in _split_at_antimeridian(_ring(arcs, ring))
        ]
        projected.append((_alpha_2(geometry.get("id")), geometry["properties"]["name"], rings))
    top = max(y for *_, rings in projected for ring in rings for _x, y in ring)
    bottom = min(y for *_, rings in projected for ring in rings for _x, y in ring)
    scale = WIDTH / (2 * HALF_WIDTH)
    height = round((top - bottom) * scale)

    def to_view(point):
        x, y = point
        return round((x + HALF_WIDTH) * scale), round((top - y) * scale)

    shapes = [
        [code, name, _path([[to_view(p) for p in ring] for ring in rings])] for code, name, rings in projected
    ]
    drawn = {code for code, _name, _rings in projected}
    points = []
    for code, (lat, lon) in sorted(_positions().items()):
        x, y = to_view(equal_earth(lon, lat))
        if code not in drawn and 0 <= y <= height:
            points.append([code, x, y])
    return {"width": WIDTH, "height": height, "shapes": shapes, "points": points}


def _positions() -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of each country countryinfo knows, by alpha-2 code."""
    positions = {}
    for info in countryinfo.all_countries():
        try:
            code, position = info.iso(2), info.latlng()
        except (KeyError, AttributeError, TypeError):
            continue
        if code and len(position) == 2:
            positions[code] = (float(position[0]), float(position[1]))
    return positions


def _path(rings: list[list[tuple[int, int]]]) -> str:
    """SVG path data with relative moves (shorter), repeated points dropped, rings closed with z."""
    parts = []
    x0 = y0 = 0
    for ring in rings:
        kept = [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]
        if len(kept) < 3:
            continue
        (x, y), steps = kept[0], []
        parts.append(f"m{x - x0} {y - y0}" if parts else f"M{x} {y}")
        start = (x, y)
        for nx, ny in kept[1:]:
            steps.append(f"{nx - x} {ny - y}")
            x, y = nx, ny
        parts.append("l" + " ".join(steps).replace(" -", "-") + "z")
        x0, y0 = start  # after z the pen is back at the ring's start
    return "".join(parts)


@cache
def world() -> World:
    """The shapes as committed (read once per process)."""
    data = json.loads(SHAPES.read_text())
    points = {code: Point(code, x, y) for code, x, y in data["points"]}
    return World(data["width"], data["height"], [Shape(*shape) for shape in data["shapes"]], points)
