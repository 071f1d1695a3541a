"""The charts draw their text in the pages' font stack, the Khmer font NTIP
serves first (docs/languages.md): titles, labels and hover text in Khmer look
as the page around them does."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

from reports.dashboards.charts import FONT_FAMILY, figure


def test_the_charts_font_is_the_pages_font_stack():
    css = Path(finders.find("ntip/ntip.css")).read_text()
    stack = re.search(r"--ntip-font-sans:\s*([^;]*);", css).group(1)

    assert " ".join(stack.split()) == FONT_FAMILY
    assert FONT_FAMILY.startswith('"Noto Sans Khmer", ')


def test_every_figure_names_it_for_its_text_and_its_hover_labels():
    layout = figure([{"type": "bar", "x": [1], "y": ["ក"]}])["layout"]

    assert layout["font"]["family"] == FONT_FAMILY
    assert layout["hoverlabel"]["font"]["family"] == FONT_FAMILY
