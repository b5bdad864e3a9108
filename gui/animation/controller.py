"""Plays the trace. The controller owns only where the animation is (how many steps
are applied, whether it plays, how fast) and the tokens in flight; every picture
comes from `presenter.show_step(n)`, every number from the trace.

A step plays as a flight: tokens travel along the step's wires, then the step
lands (the presenter shows the state after it), then, while playing, a short
rest before the next flight, so each landing can be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shiboken6
from PySide6.QtCore import QEasingCurve, QObject, QTimer, QVariantAnimation, Signal

from engine.evaluate import Evaluation
from engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, TangentStep, Trace
from gui.animation.tokens import TokenItem, tokens_for
from gui.canvas.presenter import CanvasPresenter

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
TRAVEL_MS = 750
"""A token's journey along its wire at 1×."""
TRACE_SETTLE_MS = 60
"""After edits, wait this long before building the new trace (a big graph's trace
costs several frames; editing should not pay for it on every keystroke)."""


def rest_ms(step: Step) -> float:
    """How long a landed step stays before the next one starts, at 1×, while playing."""
    if isinstance(step, (ForwardStep, TangentStep)):
        return 250.0 if step.op.is_leaf else 450.0
    if isinstance(step, (SeedStep, AccumulateStep)):
        return 900.0
    if isinstance(step, BackwardStep):
        return 700.0
    return 400.0


@dataclass(eq=False)
class _Flight:
    target: int
    """The number of applied steps once this flight lands."""
    tokens: list[TokenItem]
    land_at: float
    """The fraction of the flight's time at which the step lands (travel / (travel + rest))."""
    animation: QVariantAnimation | None = None
    landed: bool = False
    easing: QEasingCurve = field(default_factory=lambda: QEasingCurve(QEasingCurve.Type.InOutSine))


class AnimationController(QObject):
    changed = Signal()
    """Position, playing or speed changed (the transport and trace panel follow)."""
    traceChanged = Signal()
    """A new trace is there to show (after edits settle, or on first use)."""
    tokensLaunched = Signal(object)
    """The tokens (list of TokenItem) of a flight that starts now."""
    stepLanded = Signal(int)
    """The number of applied steps after a flight landed."""

    def __init__(self, presenter: CanvasPresenter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter
        self.scene = presenter.scene
        self.speed = 1.0
        self.time_scale = 1.0
        """Multiplies every duration (tests and benchmarks shorten the show)."""
        self._playing = False
        self._flight: _Flight | None = None
        self._announced: tuple[Evaluation, str | None] | None = None
        """The evaluation and seed whose trace was last announced."""
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(TRACE_SETTLE_MS)
        self._settle.timeout.connect(self._announce_trace)
        presenter.animationInterrupted.connect(self._interrupted)
        presenter.evaluated.connect(lambda _evaluation: self._settle.start())
        self._settle.start()

    # ------------------------------------------------------------------ state
    @property
    def trace(self) -> Trace:
        """The trace of what the canvas shows (built on first use): the reverse trace, or
        in forward mode the tangent trace of the presenter's seed."""
        self._announce_trace()
        return self.presenter.trace

    def trace_if_ready(self) -> Trace | None:
        """The trace if it has been built for what the canvas shows; None while
        edits settle (so a quick look never pays for building it)."""
        if self._is_announced() or self.position is not None:
            return self.trace
        return None

    @property
    def position(self) -> int | None:
        """Steps applied on the canvas, or None while editing."""
        return self.presenter.applied

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def tokens(self) -> list[TokenItem]:
        """The tokens in flight right now."""
        return list(self._flight.tokens) if self._flight is not None else []

    def position_text(self) -> str:
        if self.position is None:
            return "editing"
        return self.trace.position_text(self.position)

    @property
    def seed(self) -> str | None:
        """Forward mode's seed, or None in reverse mode."""
        return self.presenter.seed

    def _is_announced(self) -> bool:
        announced = self._announced
        return (announced is not None and announced[0] is self.presenter.evaluation
                and announced[1] == self.presenter.seed)

    def _announce_trace(self) -> None:
        self._settle.stop()
        if not self._is_announced():
            self._announced = (self.presenter.evaluation, self.presenter.seed)
            self.traceChanged.emit()

    # --------------------------------------------------------------- commands
    def play(self) -> None:
        """Play from here (from the start when editing or at the end)."""
        total = len(self.trace)
        if not total:
            return
        self._playing = True
        flight = self._flight
        if flight is not None and flight.animation is not None:
            if flight.animation.state() == QVariantAnimation.State.Paused:
                flight.animation.resume()
            self.changed.emit()
            return
        if self.position is None or self.position >= total:
            self.presenter.show_step(0)
        self._launch(rest=True)
        self.changed.emit()

    def pause(self) -> None:
        self._playing = False
        flight = self._flight
        animation = flight.animation if flight is not None else None
        if animation is not None and animation.state() == QVariantAnimation.State.Running:
            animation.pause()
        self.changed.emit()

    def toggle_play(self) -> None:
        if self._playing:
            self.pause()
        else:
            self.play()

    def step_forward(self) -> None:
        """Play the next step (tokens travel, then it lands). A step still in flight
        lands at once first, so each press is one step however fast they come."""
        self._playing = False
        flight = self._flight
        if flight is not None:
            self._drop_flight()
            if not flight.landed:
                self._land(flight)
        total = len(self.trace)
        if self.position is None:
            self.presenter.show_step(0)
        if self.position is not None and self.position < total:
            self._launch(rest=False)
        self.changed.emit()

    def step_back(self) -> None:
        """The picture one step earlier, exactly (from editing: one step before the end)."""
        position = self.position
        self.jump(len(self.trace) - 1 if position is None else position - 1)

    def to_start(self) -> None:
        self.jump(0)

    def to_end(self) -> None:
        self.jump(len(self.trace))

    def jump(self, applied: int) -> None:
        """Show the state after `applied` steps (clamped to the trace), paused."""
        applied = max(0, min(applied, len(self.trace)))
        if applied == self.position and self._flight is None and not self._playing:
            return
        self._playing = False
        self._drop_flight()
        self.presenter.show_step(applied)
        self.changed.emit()

    def stop(self) -> None:
        """Back to editing: the canvas shows every value and gradient again."""
        self._playing = False
        self._drop_flight()
        if self.position is not None:
            self.presenter.show_step(None)
        self.changed.emit()

    def set_seed(self, seed: str | None) -> None:
        """Forward mode seeded at the input node `seed`, or reverse mode (None). The
        animation keeps its place in the forward pass both share; later it clamps."""
        if seed == self.presenter.seed:
            return
        self._playing = False
        self._drop_flight()
        position = self.position
        self.presenter.set_seed(seed)
        self._announce_trace()
        if position is not None:
            self.presenter.show_step(min(position, len(self.trace)))
        self.changed.emit()

    def set_speed(self, speed: float) -> None:
        """0.25× to 4×; a flight under way keeps its place and changes pace."""
        speed = min(SPEEDS[-1], max(SPEEDS[0], float(speed)))
        if speed == self.speed:
            return
        animation = self._flight.animation if self._flight is not None else None
        if animation is not None:
            fraction = animation.currentTime() / max(1, animation.duration())
            duration = max(1, round(animation.duration() * self.speed / speed))
            animation.setDuration(duration)
            animation.setCurrentTime(round(fraction * duration))
        self.speed = speed
        self.changed.emit()

    def faster(self) -> None:
        self.set_speed(next((s for s in SPEEDS if s > self.speed), SPEEDS[-1]))

    def slower(self) -> None:
        self.set_speed(next((s for s in reversed(SPEEDS) if s < self.speed), SPEEDS[0]))

    # ----------------------------------------------------------------- flights
    def _launch(self, rest: bool) -> None:
        """Start the flight of the next step."""
        applied = self.position or 0
        step = self.trace.steps[applied]
        tokens = tokens_for(self.scene, step)
        travel = TRAVEL_MS if tokens else 0.0
        pause = rest_ms(step) if rest else 0.0
        total = (travel + pause) * self.time_scale / self.speed
        flight = _Flight(applied + 1, tokens, travel / (travel + pause) if travel + pause else 0.0)
        self._flight = flight
        for token in tokens:
            token.set_progress(0.0)
            self.scene.addItem(token)
        if tokens:
            self.tokensLaunched.emit(list(tokens))
        if flight.land_at == 0.0:
            self._land(flight)
        if travel + pause == 0.0:
            self._drop_flight()  # a single step with nothing to carry: it has landed, done
            return
        animation = QVariantAnimation(self)
        animation.setStartValue(0.0)
        animation.setEndValue(1.0)
        # Never zero: the next flight starts from the event loop, not from inside this one.
        animation.setDuration(max(1, round(total)))
        animation.valueChanged.connect(lambda value, f=flight: self._frame(f, value))
        animation.finished.connect(lambda f=flight: self._finished(f))
        flight.animation = animation
        animation.start()

    def _frame(self, flight: _Flight, value: float) -> None:
        if flight is not self._flight or flight.landed:
            return
        if value >= flight.land_at:
            self._land(flight)
            return
        progress = flight.easing.valueForProgress(value / flight.land_at)
        for token in flight.tokens:
            token.set_progress(progress)

    def _land(self, flight: _Flight) -> None:
        flight.landed = True
        self._remove_tokens(flight)
        self.presenter.show_step(flight.target)
        self.stepLanded.emit(flight.target)

    def _finished(self, flight: _Flight) -> None:
        if flight is not self._flight:
            return
        if not flight.landed:
            self._land(flight)
        self._drop_flight()
        if self._playing:
            if self.position is not None and self.position < len(self.trace):
                self._launch(rest=True)
                return
            self._playing = False
        self.changed.emit()

    def _remove_tokens(self, flight: _Flight) -> None:
        for token in flight.tokens:
            # A document reset clears the scene, which deletes tokens in flight with it.
            if shiboken6.isValid(token) and token.scene() is not None:
                token.scene().removeItem(token)
        flight.tokens = []

    def _drop_flight(self) -> None:
        flight, self._flight = self._flight, None
        if flight is None:
            return
        self._remove_tokens(flight)
        if flight.animation is not None:
            flight.animation.stop()
            flight.animation.deleteLater()

    def _interrupted(self) -> None:
        """An edit: the presenter is back to editing; drop whatever was in flight."""
        self._playing = False
        self._drop_flight()
        self.changed.emit()
