import json

from django.core.management.base import BaseCommand

from pages import world_shapes


class Command(BaseCommand):
    help = (
        "Project the vendored Natural Earth countries (world-atlas TopoJSON) into the world map's SVG paths, "
        "pages/world_shapes.json. Run it again only when the vendored file changes; commit the result."
    )

    def handle(self, *args, **options):
        topology = json.loads(world_shapes.SOURCE.read_text())
        data = world_shapes.build(topology)
        world_shapes.SHAPES.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
        named = sum(1 for code, _name, _path in data["shapes"] if code)
        self.stdout.write(
            f"{len(data['shapes'])} shapes ({named} matched to ISO codes), "
            f"{world_shapes.SHAPES.stat().st_size:,} bytes, viewBox {data['width']}×{data['height']}"
        )
