"""The example graphs shipped in resources/examples/ (package data, so they are
there in a wheel install as in a checkout)."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

# The package is installed as files on disk (a wheel or a checkout, never a zip),
# so the traversable is a real folder and paths can go on the recent-files list.
EXAMPLES_DIR = Path(str(files("resources") / "examples"))
SEED_EXAMPLE = EXAMPLES_DIR / "d_equals_a_times_b_plus_c.json"


def example_files() -> list[tuple[str, Path]]:
    """(display name, path) of every example, ordered by name; the name is graph.name."""
    found = []
    for path in sorted(EXAMPLES_DIR.glob("*.json")):
        try:
            name = json.loads(path.read_text(encoding="utf-8")).get("graph", {}).get("name") or path.stem
        except (OSError, ValueError):
            name = path.stem
        found.append((name, path))
    return found
