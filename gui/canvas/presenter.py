"""Decides what the canvas shows: the document's evaluation while editing, or the
trace state at a step while the animation is on. Evaluation runs once per burst of
document changes (a zero-delay timer), not once per primitive change."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from engine.document import GraphDocument
from engine.evaluate import Evaluation, evaluate_plan
from engine.tangent import TangentSeedError
from engine.trace import Phase, Segment, Trace, build_tangent_trace, final_state
from gui.canvas.scene import Display, GraphScene
from gui.observing import subscriptions_of


class CanvasPresenter(QObject):
    evaluated = Signal(object)
    """The new Evaluation, after every burst of edits."""
    displayChanged = Signal()
    animationInterrupted = Signal()
    """An edit happened while the animation was showing a step: it is back to editing."""

    def __init__(self, document: GraphDocument, scene: GraphScene, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.scene = scene
        self.show_grads = True
        self.applied: int | None = None
        """Steps of the trace being shown, or None while editing (everything shown)."""
        self.evaluation: Evaluation = document.evaluation()
        self.seed: str | None = None
        """Forward mode's seed (an input node's id), or None in reverse mode."""
        self._tangent: tuple[Evaluation, str, Trace] | None = None
        self.overwrite_fanout = False
        """Bug mode (gui.lens): the canvas shows backward with `=` where `+=` belongs. The
        document's own evaluation (saved results, the command line) never has it."""
        self._buggy: tuple[Evaluation, Evaluation] | None = None
        self.explain = False
        """Explain Steps (gui.lens): captions, on screen and in exported animations, name each step's pattern."""
        self.preview: Callable[[Evaluation], tuple[Evaluation, dict[str, str]]] | None = None
        """A nudge (gui.lens.nudge): shows another evaluation of the same plan, and notes
        for the cards, without touching the document."""
        self._previewed: tuple[Evaluation, Callable, Evaluation, dict[str, str]] | None = None
        self._highlight_current = True
        self._stale = False
        """True when the canvas shows something other than `evaluation` in full."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        self._subscriptions = subscriptions_of(self)
        self._subscriptions.subscribe(document.changed, self._schedule)
        self._render()

    def detach(self) -> None:
        """Stop observing the document (also done when the presenter is destroyed)."""
        self._timer.stop()
        self._subscriptions.release()

    def _schedule(self) -> None:
        if self.applied is not None:
            self.applied = None
            self._stale = True
            self.animationInterrupted.emit()
        self._timer.start()

    def refresh(self) -> None:
        """Evaluate now (tests and the first paint call this instead of waiting)."""
        self._timer.stop()
        evaluation = self._evaluate()
        if evaluation is self.evaluation and not self._stale:
            return  # only positions changed: nothing on the cards did
        self._stale = False
        self.evaluation = evaluation
        self._keep_seed()
        self._render()
        self.evaluated.emit(self.evaluation)

    def _evaluate(self) -> Evaluation:
        evaluation = self.document.evaluation()
        if self.overwrite_fanout:
            if self._buggy is None or self._buggy[0] is not evaluation:
                self._buggy = (evaluation, evaluate_plan(evaluation.plan, overwrite_fanout=True))
            evaluation = self._buggy[1]
        if self.preview is None:
            return evaluation
        cached = self._previewed
        if cached is None or cached[0] is not evaluation or cached[1] is not self.preview:
            self._previewed = cached = (evaluation, self.preview, *self.preview(evaluation))
        return cached[2]

    def set_preview(self, preview: Callable[[Evaluation], tuple[Evaluation, dict[str, str]]] | None) -> None:
        """Show `preview(evaluation)` instead of the evaluation (None: the evaluation again)."""
        self.preview = preview
        self._previewed = None
        self._stale = True
        self.refresh()

    def set_overwrite_fanout(self, on: bool) -> None:
        """Bug mode on or off; the canvas re-evaluates at once."""
        self.overwrite_fanout = on
        self._stale = True
        self.refresh()

    @property
    def trace(self) -> Trace:
        """The trace the animation plays: the reverse trace, or in forward mode the
        tangent trace seeded at `seed` (built once per evaluation and seed)."""
        if self.seed is None:
            return self.evaluation.trace
        cached = self._tangent
        if cached is not None and cached[0] is self.evaluation and cached[1] == self.seed:
            return cached[2]
        trace = tangent_trace(self.evaluation, self.seed)
        self._tangent = (self.evaluation, self.seed, trace)
        return trace

    def input_nodes(self) -> list[tuple[str, str]]:
        """(id, name) of every input node, in the evaluation's order: forward mode's possible seeds."""
        plan = self.evaluation.plan
        return [(plan.ids[i], plan.names[i]) for i in plan.order if plan.ops[i].name == "input"]

    def set_seed(self, seed: str | None) -> None:
        """Forward mode seeded at the input `seed`, or reverse mode (None)."""
        self.seed = seed
        if self.applied is not None:
            # The other mode's trace may be shorter: a place past its end would show no step.
            self.applied = min(self.applied, len(self.trace))
        self._render()

    def _keep_seed(self) -> None:
        """After edits: a seed that is no longer an input moves to the first input."""
        if self.seed is not None:
            inputs = [node_id for node_id, _name in self.input_nodes()]
            if self.seed not in inputs and inputs:
                self.seed = inputs[0]

    def set_show_grads(self, show: bool) -> None:
        self.show_grads = show
        self._render()

    def show_step(self, applied: int | None, current: bool = True) -> None:
        """Show the state after `applied` trace steps; None returns to editing. With
        `current` False the last applied step is not highlighted (a stage picture)."""
        if self._timer.isActive():
            self.refresh()
        self.applied = applied
        self._highlight_current = current
        self._render()

    def current_display(self) -> Display:
        evaluation = self.evaluation
        if self.applied is None:
            state = final_state(evaluation)
            if self.preview is not None and self._previewed is not None:
                state.node_notes.update(self._previewed[3])
        else:
            state = self.trace.state_at(self.applied)
            if not self._highlight_current:
                state.step = None
        ids = evaluation.plan.ids
        problems = {ids[i]: problem for i, problem in evaluation.problems.items()}
        return Display(state=state, problems=problems, output=evaluation.output, show_grads=self.show_grads)

    def _render(self) -> None:
        self.scene.set_display(self.current_display())
        self.displayChanged.emit()


def tangent_trace(evaluation: Evaluation, seed: str) -> Trace:
    """`build_tangent_trace`, or only the forward steps when `seed` cannot be seeded
    (a graph with no input left, or a seed with no value)."""
    try:
        return build_tangent_trace(evaluation, seed)
    except TangentSeedError:
        reverse = evaluation.trace
        steps = list(reverse.steps[:reverse.forward_count])
        return Trace(steps, (Segment(Phase.FORWARD, 0, len(steps)),) if steps else (),
                     reverse.leaf_values)
