"""The segfault a careless user found (issue 8), as a script: a card is dragged while
its wire shows a chain-rule step, the wire is deleted, and the canvas is painted.

Before the fix, placing the step label asked the scene for nearby items between
`prepareGeometryChange()` and the new bounds, so the BSP index re-filed the wire under
its old bounds. After the wire was deleted, the index still pointed at it, and
painting that region read freed memory. Run in a subprocess by
tests/test_canvas_crash.py, so a crash fails one test instead of killing the run.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from engine.document import GraphDocument
    from engine.fileformat import read_file
    from engine.trace import BackwardStep
    from gui.main_window import MainWindow

    document = GraphDocument.from_spec(read_file(ROOT / "resources" / "examples" / "tanh_neuron.json"))
    window = MainWindow(document)
    window.show()
    window.view.fit_graph()
    window.presenter.refresh()
    controller = window.animation.controller
    rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    for k, step in enumerate(controller.trace.steps):
        if not isinstance(step, BackwardStep):
            continue
        controller.jump(k + 1)
        card = window.scene.node_items[step.edge[0]]
        x0, y0 = card.x(), card.y()
        for _ in range(30):  # the card follows the mouse; its wires follow the card
            card.setPos(x0 + rng.uniform(-400, 400), y0 + rng.uniform(-300, 300))
            app.processEvents()
        card.setPos(x0, y0)
    controller.stop()
    window.presenter.refresh()
    window.editor.delete(list(document.node_ids()), [])
    image = QImage(800, 600, QImage.Format.Format_ARGB32)
    for _ in range(20):
        window.scene.items(window.scene.sceneRect())
        painter = QPainter(image)
        window.scene.render(painter, QRectF(0, 0, 800, 600), window.scene.sceneRect())
        painter.end()
        window.view.viewport().repaint()
    print("survived")
    return 0


if __name__ == "__main__":
    sys.exit(main())
