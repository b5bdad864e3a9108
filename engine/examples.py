"""The example graphs shipped in resources/examples/."""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "resources" / "examples"
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
