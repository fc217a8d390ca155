"""A myst-nb renderer that takes an image's alt text from its output metadata.

myst-nb reads only width and height from output metadata; the charts carry alt text written from the
data, so this renderer copies `metadata["image/png"]["alt"]` onto the image node.
"""
from __future__ import annotations

from myst_nb.core.render import MimeData, NbElementRenderer


class FigureAltRenderer(NbElementRenderer):
    def render_image(self, data: MimeData):
        rendered = super().render_image(data)
        alt = data.output_metadata.get(data.mime_type, {}).get("alt")
        if alt and rendered:
            rendered[0]["alt"] = alt
        return rendered
