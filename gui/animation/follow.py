"""The view follows the animation: when the step about to play (or just landed) is
off-screen, as it often is when zoomed in, the view glides to it. A step already in
view never moves the view, so a lecturer's own framing is kept."""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QObject, QPointF, QRectF, QVariantAnimation
from PySide6.QtWidgets import QGraphicsView

from engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, TangentStep
from gui.animation.caption import CaptionBar
from gui.animation.controller import AnimationController
from gui.canvas.scene import GraphScene

GLIDE_MS = 280
MARGIN = 24.0
"""Scene units kept around the step's items inside the visible area."""


class StepFollower(QObject):
    def __init__(self, view: QGraphicsView, controller: AnimationController, caption: CaptionBar) -> None:
        super().__init__(view)
        self.view = view
        self.controller = controller
        self.caption = caption
        self._glide: QVariantAnimation | None = None
        controller.presenter.displayChanged.connect(self._landed)
        controller.tokensLaunched.connect(lambda _tokens: self._launched())

    @property
    def scene(self) -> GraphScene:
        return self.view.scene()  # type: ignore[return-value]

    def visible_rect(self) -> QRectF:
        """The part of the scene on screen and not under the caption bar."""
        area = self.view.viewport().rect().adjusted(0, 0, 0, -self.caption.covered_height())
        return self.view.mapToScene(area).boundingRect()

    def _landed(self) -> None:
        applied = self.controller.position
        if applied:
            self.follow(self.controller.trace.steps[applied - 1])

    def _launched(self) -> None:
        applied = self.controller.position
        trace = self.controller.trace
        if applied is not None and applied < len(trace):
            self.follow(trace.steps[applied])

    def step_rect(self, step: Step) -> QRectF:
        """What a person must see of a step, in scene coordinates: the wire it travels
        or the card it lands on (its label may stick out; the caption bar has its words)."""
        scene = self.scene
        rect = QRectF()
        if isinstance(step, BackwardStep) and step.edge in scene.edge_items:
            rect = scene.edge_items[step.edge].path().boundingRect()
        elif isinstance(step, (ForwardStep, TangentStep)) and step.node in scene.node_items:
            node = scene.node_items[step.node]
            rect = node.mapRectToScene(node.card)
            for edge in step.in_edges:
                if edge in scene.edge_items:
                    rect = rect.united(scene.edge_items[edge].path().boundingRect())
        elif isinstance(step, (SeedStep, AccumulateStep)) and step.node in scene.node_items:
            node = scene.node_items[step.node]
            rect = node.mapRectToScene(node.card)
        return rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN) if not rect.isNull() else rect

    def follow(self, step: Step) -> None:
        target = self.step_rect(step)
        visible = self.visible_rect()
        if self._glide is not None and self._glide.state() == QVariantAnimation.State.Running:
            # Judge by where the glide under way will leave the view, not where it is now:
            # a step in view there needs no second glide (every glide frame scrolls).
            now = self.view.mapToScene(self.view.viewport().rect()).boundingRect().center()
            visible.translate(self._glide.endValue() - now)
        if target.isNull() or visible.contains(target):
            return
        if (target.width() > visible.width() or target.height() > visible.height()) and visible.contains(
                target.center()):
            return  # too big to show whole, and its middle is in view already
        # Centre the step in the visible area (above the caption bar).
        offset = self.view.mapToScene(self.view.viewport().rect()).boundingRect().center() - visible.center()
        self.glide_to(target.center() + offset)

    def glide_to(self, centre: QPointF) -> None:
        if self._glide is not None:
            self._glide.stop()
        start = self.view.mapToScene(self.view.viewport().rect()).boundingRect().center()
        glide = QVariantAnimation(self)
        glide.setStartValue(start)
        glide.setEndValue(centre)
        glide.setDuration(max(1, round(GLIDE_MS * self.controller.time_scale)))
        glide.setEasingCurve(QEasingCurve.Type.InOutQuad)
        glide.valueChanged.connect(self.view.centerOn)
        glide.finished.connect(lambda: self.view.centerOn(centre))
        self._glide = glide
        glide.start()
