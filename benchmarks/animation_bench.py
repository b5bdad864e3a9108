"""Animation frame times: a 200-node graph in the editor window, playing part of the
forward pass and part of the backward pass, with the view fitted to the whole graph
and then at 100%. A frame is the time from one animation tick to the next; its work
is the time spent delivering events in it (token moves, landings, the repaint).

    QT_QPA_PLATFORM=offscreen python benchmarks/animation_bench.py [--nodes 200 --steps 40 --speed 4]
    QT_QPA_PLATFORM=xcb DISPLAY=:99 python benchmarks/animation_bench.py     (under Xvfb)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FRAME_MS = 1000.0 / 60.0


class FrameClock:
    """Ticks of the animation, and the busy time between them: every event the
    application delivers is timed (QApplication.notify, outermost calls only), so a
    frame's work includes the tick, the scene's bookkeeping and the repaint."""

    def __init__(self) -> None:
        self.busy = 0.0
        self.cpu = 0.0
        self.ticks: list[float] = []
        self.work: list[float] = []
        self.cpu_work: list[float] = []
        """Per frame, the main thread's CPU time: what the frame costs on a machine
        where nothing else runs (wall time also counts waiting for a busy core)."""
        self.landing_frames: list[bool] = []
        """Per frame: did a step land in it (the presenter redrew the cards)?"""
        self._landed = False
        self._busy_at_tick = 0.0
        self._depth = 0
        self._entered = 0.0
        self._entered_cpu = 0.0
        self._cpu_at_tick = 0.0

    def enter(self) -> None:
        if self._depth == 0:
            self._entered = time.perf_counter()
            self._entered_cpu = time.thread_time()
        self._depth += 1

    def leave(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.busy += time.perf_counter() - self._entered
            self.cpu += time.thread_time() - self._entered_cpu

    def tick(self) -> None:
        now, now_cpu = time.perf_counter(), time.thread_time()
        busy = self.busy + (now - self._entered if self._depth else 0.0)
        cpu = self.cpu + (now_cpu - self._entered_cpu if self._depth else 0.0)
        if self.ticks:
            self.work.append((busy - self._busy_at_tick) * 1000)
            self.cpu_work.append((cpu - self._cpu_at_tick) * 1000)
            self.landing_frames.append(self._landed)
        self._landed = False
        self.ticks.append(now)
        self._busy_at_tick, self._cpu_at_tick = busy, cpu

    def landed(self) -> None:
        self._landed = True

    def reset(self) -> None:
        self.ticks, self.work, self.cpu_work, self.landing_frames = [], [], [], []
        self._landed = False


def timed_application(clock: FrameClock):
    from PySide6.QtWidgets import QApplication

    class TimedApplication(QApplication):
        def notify(self, receiver, event) -> bool:
            clock.enter()
            try:
                return super().notify(receiver, event)
            finally:
                clock.leave()

    return TimedApplication([sys.argv[0]])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(name: str, clock: FrameClock) -> None:
    intervals = [(b - a) * 1000 for a, b in zip(clock.ticks, clock.ticks[1:])]
    if not intervals:
        print(f"{name}: no frames")
        return
    dropped = sum(max(0, round(i / FRAME_MS) - 1) for i in intervals if i > 1.5 * FRAME_MS)
    over_budget = sum(1 for w in clock.work if w > FRAME_MS)
    landing = [w for w, landed in zip(clock.work, clock.landing_frames) if landed]
    moving = [w for w, landed in zip(clock.work, clock.landing_frames) if not landed]
    print(f"{name}: {len(intervals)} frames; "
          f"work per frame mean {statistics.fmean(clock.work):.2f} ms, p95 {percentile(clock.work, 0.95):.2f} ms, "
          f"max {max(clock.work):.2f} ms ({over_budget} over {FRAME_MS:.1f} ms); "
          f"tick interval mean {statistics.fmean(intervals):.1f} ms, p95 {percentile(intervals, 0.95):.1f} ms, "
          f"max {max(intervals):.1f} ms; dropped frames at 60 fps: {dropped}")
    cpu_over = sum(1 for w in clock.cpu_work if w > FRAME_MS)
    print(f"    CPU time per frame (main thread): p95 {percentile(clock.cpu_work, 0.95):.2f} ms, "
          f"max {max(clock.cpu_work):.2f} ms ({cpu_over} over {FRAME_MS:.1f} ms)")
    if landing and moving:
        print(f"    frames moving tokens: mean {statistics.fmean(moving):.2f} ms, max {max(moving):.2f} ms; "
              f"frames where a step lands ({len(landing)}): mean {statistics.fmean(landing):.2f} ms, "
              f"max {max(landing):.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--steps", type=int, default=40, help="steps played per phase and zoom")
    parser.add_argument("--speed", type=float, default=4.0)
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop

    clock = FrameClock()
    app = timed_application(clock)
    from benchmarks.make_graph import random_dag
    from engine.document import GraphDocument
    from engine.fileformat import parse_data
    from gui.main_window import MainWindow

    document = GraphDocument.from_spec(parse_data(random_dag(args.nodes, seed=1)))
    window = MainWindow(document)
    window.resize(1400, 900)
    window.show()
    window.view.fit_graph()
    app.processEvents()
    controller = window.animation.controller
    controller.set_speed(args.speed)
    trace = controller.trace
    original_frame = controller._frame

    def timed_frame(flight, value):
        clock.tick()
        original_frame(flight, value)

    controller._frame = timed_frame  # every animation tick passes here
    controller.stepLanded.connect(lambda _applied: clock.landed())
    print(f"graph: {len(document)} nodes, {len(document.edges())} edges; trace {len(trace)} steps "
          f"({trace.forward_count} forward); Qt platform {os.environ['QT_QPA_PLATFORM']}; "
          f"window 1400×900; speed {args.speed:g}×")

    def play(start: int, steps: int) -> None:
        controller.jump(start)
        app.processEvents()  # the jump's own full repaint is not part of playing
        loop = QEventLoop()
        landed = []

        def on_landed(_applied: int) -> None:
            landed.append(_applied)
            if len(landed) >= steps:
                controller.pause()
                loop.quit()

        controller.stepLanded.connect(on_landed)
        clock.reset()
        controller.play()
        loop.exec()
        controller.stepLanded.disconnect(on_landed)

    def zoomed(label: str) -> None:
        app.processEvents()
        play(trace.forward_count // 3, args.steps)
        report(f"{label}, forward", clock)
        play(trace.forward_count + 1 + (len(trace) - trace.forward_count) // 3, args.steps)
        report(f"{label}, backward", clock)

    zoomed(f"fitted (zoom {window.view.zoom():.2f})")
    window.view.set_zoom(1.0)
    window.view.centerOn(window.scene.node_items[f"n{args.nodes // 2}"])
    zoomed("100% zoom")

    # Forward mode: the same graph, seeded at its first input, plays its tangent phase.
    from engine.trace import Phase

    seed = next(n for n in document.node_ids() if document.op_of(n).name == "input")
    controller.set_seed(seed)
    tangents = controller.trace.segment(Phase.TANGENT)
    for label in ("fitted", "100% zoom"):
        if label == "fitted":
            window.view.fit_graph()
        else:
            window.view.set_zoom(1.0)
            window.view.centerOn(window.scene.node_items[f"n{args.nodes // 2}"])
        app.processEvents()
        play(tangents.start + (tangents.stop - tangents.start) // 3, args.steps)
        report(f"{label}, tangent (forward mode seeded at {seed})", clock)
    controller.set_seed(None)

    landing = []
    for applied in range(len(trace) // 2, len(trace) // 2 + 20):
        start = time.perf_counter()
        window.presenter.show_step(applied)
        landing.append((time.perf_counter() - start) * 1000)
    print(f"a landing (presenter.show_step: replay the trace, update every card and wire): "
          f"median {statistics.median(landing):.2f} ms, max {max(landing):.2f} ms")
    window.editor.undo_stack.setClean()  # nothing to save: closing must not ask
    window.close()


if __name__ == "__main__":
    main()
