"""The fonts charts and posters are drawn with: required in CI, a skip with a reason elsewhere.

`.ci/run` installs them and sets SAMEN_REQUIRE_FONTS=1, so a missing font fails the run there
(as chromium does for the browser tests); on a developer's machine without them the drawing
tests are skipped with the fix named.
"""

from __future__ import annotations

import os

import pytest

from bot import fonts

REQUIRED_ENV = "SAMEN_REQUIRE_FONTS"


@pytest.fixture
def drawing_fonts() -> fonts.Fonts:
    try:
        return fonts.load()
    except fonts.FontsMissing as exc:
        if os.environ.get(REQUIRED_ENV) == "1":
            pytest.fail(f"{REQUIRED_ENV}=1 but {exc}")
        pytest.skip(f"{exc} (.ci/run installs them)")


# The face each script must come from (not DejaVu Sans, not a box).
SCRIPT_FACES = {
    "ARABIC": "NotoSansArabic-",
    "ETHIOPIC": "NotoSansEthiopic-",
    "CYRILLIC": "NotoSans-",
    "LATIN": "NotoSans-",
}


def glyph_problems(figure: object, where: str) -> list[str]:
    """Every visible text of a drawn `figure`, laid out as matplotlib lays it out for drawing
    (shaping included), checked glyph by glyph: the glyph exists (index 0 is the box) in the
    font matplotlib chose for that character, that font's character map has the character,
    and each script comes from its own Noto face. Returns what is wrong, one line each.

    Uses what the Agg renderer uses (`fontManager._find_fonts_by_props` for the fallback
    list, `_text_helpers.layout` for libraqm's shaped glyphs): checking anything else would
    check a different path than the one that draws.
    """
    import unicodedata

    from matplotlib import _text_helpers, font_manager
    from matplotlib.text import Text

    problems: list[str] = []
    charmaps: dict[str, frozenset[int]] = {}
    for text in figure.findobj(Text):  # type: ignore[attr-defined]
        shown = text.get_text()
        if not text.get_visible() or not shown.strip():
            continue
        font = font_manager.get_font(
            font_manager.fontManager._find_fonts_by_props(text.get_fontproperties())
        )
        # matplotlib lays out each line on its own (a newline inside a layout is a box).
        items = [i for line in shown.split("\n") for i in _text_helpers.layout(line, font)]
        for item in items:
            # One item per glyph; a ligature (lam-alef) is one glyph for a cluster of chars.
            path = item.ft_object.fname
            if path not in charmaps:
                charmaps[path] = fonts.charmap(path)
            name = path.rsplit("/", 1)[-1]
            cluster = [c for c in item.char if unicodedata.category(c) != "Cf"]
            if not cluster:
                continue  # bidi isolates and marks steer the layout and draw nothing
            if item.glyph_index == 0 or name.startswith("LastResort"):
                # LastResort is matplotlib's font of placeholder boxes, last in every list.
                problems.append(f"{where}: {item.char!r} of {shown!r} is a box in {name}")
            for char in cluster:
                if ord(char) not in charmaps[path]:
                    problems.append(f"{where}: {char!r} of {shown!r} is not in {name}")
                script = unicodedata.name(char, "").split(" ")[0]
                face = SCRIPT_FACES.get(script)
                if face is not None and char.isalpha() and not name.startswith(face):
                    problems.append(f"{where}: {char!r} of {shown!r} drawn with {name}")
    return problems
