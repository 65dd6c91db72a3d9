"""The site's own scripts as phones get them: without the comments written for maintainers.

A third to a half of each script in theme/assets/javascripts/ is comments, which every
phone downloaded on its first visit: 2.6 KB gzipped of a page, 5.8 KB of the search page,
whose first visit must stay under 120 KB (docs/performance.md). Maintainers read them in
the repository.

Why not a minifier: the Python ones (jsmin, rjsmin) break nested template literals, which
these scripts use, and the JavaScript ones (terser, esbuild) would make Node a requirement
of every build. This removes only what cannot be code: whole lines that are comments, and
the indentation, outside template literals, whose text keeps every character; a script
whose template literals or block comments it cannot follow is published as written.
tests/test_scripts.py reads every published script's tokens with acorn and compares them
with its source's; the browser tests run them.
"""

from __future__ import annotations


def without_comments(source: str, note: str = "") -> str:
    """``source`` without its comment lines (``// …`` and whole ``/* … */`` blocks) and
    indentation, ``note`` as its first line.

    A line inside a template literal (an odd number of backticks before it) is kept as
    it is, indentation included: it is text. A block comment is dropped only whole, and
    only where no code shares its first or last line.
    """
    lines: list[str] = [note] if note else []
    ticks = 0
    in_block = False
    for line in source.splitlines():
        bare = line.strip()
        ends = bare.find("*/")
        if ticks % 2:  # inside a template literal
            lines.append(line)
        elif bare.endswith("\\"):
            return source  # a string continued on the next line: its indentation is text
        elif in_block or bare.startswith("/*"):
            if ends not in {-1, len(bare) - 2}:
                return source  # code after a block's end, or two blocks: left alone
            in_block = ends == -1
        elif bare and not bare.startswith("//"):
            lines.append(bare)
        ticks += line.count("`") - line.count("\\`")
    if ticks % 2 or in_block:
        return source  # unbalanced: something this reading does not follow
    return "\n".join(lines) + "\n"
