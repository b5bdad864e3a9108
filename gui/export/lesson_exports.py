"""File ▸ Export ▸ Python Script…, PyTorch Check… and Animation…: the lesson taken out
of the app as code students run (engine.codegen) and as a GIF for slides and web pages
(gui.export.gif). The animation is drawn offscreen with a progress dialog that can
cancel; a cancelled or failed export leaves no file behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMenu, QProgressDialog, QWidget

from engine.atomic import write_text_atomic
from engine.document import GraphDocument
from gui.canvas.presenter import CanvasPresenter
from gui.export.animation_dialog import AnimationDialog, AnimationOptions, step_range
from gui.export.dialog import picture_rect
from gui.export.render import caption_height
from gui.export.script_dialog import ScriptDialog
from gui.files.dialogs import choose_save_path, file_problem, warn
from gui.qt_actions import make_action

PYTHON_FILTER = "Python script (*.py)"
GIF_FILTER = "GIF animation (*.gif)"


class LessonExports:
    """The three commands, in `menu` (File ▸ Export); `where()` gives the folder an
    export dialog starts in, `done(path)` is told of each file written."""

    def __init__(self, parent: QWidget, document: GraphDocument, presenter: CanvasPresenter,
                 show_message: Callable[[str], object], stem: Callable[[], str],
                 source_name: Callable[[], str], where: Callable[[], Path], done: Callable[[Path], object]) -> None:
        self.parent = parent
        self.document = document
        self.presenter = presenter
        self.show_message = show_message
        self.stem = stem
        self.source_name = source_name
        """The graph's file name as the scripts mention it."""
        self.where = where
        self.done = done
        self.options = AnimationOptions()
        """The last choices of Export Animation (this session)."""
        self.menu = QMenu("&Export", parent)
        self.menu.setObjectName("export_menu")
        self.python_script = self._action("export_python_script", "&Python Script…", self.export_python,
                                          "The graph as a numpy script students can run: forward and backward by hand")
        self.torch_check = self._action("export_torch_check", "Py&Torch Check…", self.export_torch,
                                        "A PyTorch script that checks every value and gradient against autograd")
        self.animation = self._action("export_animation", "&Animation…", self.export_animation,
                                      "The animation as a GIF, tokens moving along the wires, for slides and web pages")
        self.dialog: ScriptDialog | None = None
        """The script dialog on screen (tests reach it here)."""

    def _action(self, name: str, text: str, slot: Callable[[], object], tip: str):
        action = make_action(self.parent, name, text, slot, None, tip)
        self.parent.addAction(action)
        self.menu.addAction(action)
        return action

    # ------------------------------------------------------------------ code
    def export_python(self) -> ScriptDialog | None:
        return self._script(torch=False)

    def export_torch(self) -> ScriptDialog | None:
        return self._script(torch=True)

    def _script(self, torch: bool) -> ScriptDialog | None:
        from engine.codegen import CodegenError, numpy_script, torch_script

        self.presenter.refresh()  # edits of this very moment are not evaluated yet
        write = torch_script if torch else numpy_script
        try:
            text = write(self.presenter.evaluation, self.document.name, self.source_name())
        except CodegenError as error:
            warn(self.parent, f"Cannot write the script: {error}.")
            return None
        if torch:
            title = "PyTorch Check"
            about = ("It rebuilds the graph with PyTorch tensors, runs torch's backward, prints torch's numbers "
                     "and exits 1 listing any that differ from ours.")
            suggested = f"{self.stem()}_torch_check.py"
        else:
            title = "Python Script"
            about = ("It needs only numpy: a class per operation with forward and backward, the graph, "
                     "a forward pass, a backward pass, and the numbers as JSON.")
            suggested = f"{self.stem()}.py"
        dialog = ScriptDialog(title, about, text, lambda: self._save_script(text, title, suggested),
                              self.show_message, self.parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _save_script(self, text: str, title: str, suggested: str) -> bool:
        path = choose_save_path(self.parent, f"Save {title}", self.where() / suggested, PYTHON_FILTER, ".py")
        if path is None:
            return False
        try:
            write_text_atomic(path, text)
        except OSError as error:
            warn(self.parent, f"Cannot write {path.name}: {file_problem(error)}.")
            return False
        self.done(path)
        self.show_message(f"Saved {path.name}; run it with python {path.name}.")
        return True

    # ------------------------------------------------------------- animation
    def choose_animation(self, options: AnimationOptions) -> AnimationOptions | None:
        """The Export Animation dialog; None if cancelled. Tests replace it."""
        trace = self.presenter.trace
        scene = self.presenter.scene
        rect = picture_rect(scene, False)
        size = (round(rect.width()), round(rect.height() + caption_height("forward 1/1: x", rect.width())))
        dialog = AnimationDialog(trace, self.presenter.applied, size, options, self.parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        chosen = dialog.options()
        dialog.deleteLater()
        return chosen if accepted else None

    def export_animation(self) -> bool:
        self.presenter.refresh()
        if not self.presenter.evaluation.ok:
            warn(self.parent, f"Cannot export the animation: cannot compute the output: "
                              f"{self.presenter.evaluation.output_problem}.")
            return False
        options = self.choose_animation(self.options)
        if options is None:
            return False
        self.options = options
        span = step_range(self.presenter.trace, options.range, self.presenter.applied)
        if span is None:
            return False
        path = choose_save_path(self.parent, "Export Animation", self.where() / f"{self.stem()}.gif", GIF_FILTER,
                                ".gif")
        if path is None:
            return False
        return self.write_animation(path, *span, float(options.scale))

    def write_animation(self, path: Path, start: int, stop: int, scale: float) -> bool:
        """Draw the frames with a progress dialog; True when the file was written."""
        from gui.export.gif import MAX_SIDE, AnimationFrames, ExportCancelled, write_gif

        frames = AnimationFrames(self.document, start, stop, scale, seed=self.presenter.seed,
                                 explain=self.presenter.explain)
        width, height = frames.size
        if max(width, height) > MAX_SIDE:
            frames.close()
            warn(self.parent, f"The animation would be {width} × {height} pixels, too large to draw.",
                 "Choose the 1× scale, or export a smaller graph.")
            return False
        progress = QProgressDialog("Drawing the animation…", "Cancel", 0, len(frames.frames) + 1, self.parent)
        progress.setObjectName("animation_progress")
        progress.setWindowTitle("Export Animation")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)

        def advance(drawn: int) -> bool:
            progress.setValue(drawn)  # a modal progress dialog lets Cancel be pressed here
            if drawn == len(frames.frames):
                progress.setLabelText("Writing the GIF…")
            return not progress.wasCanceled()

        try:
            write_gif(path, frames, advance)
        except ExportCancelled:
            self.show_message("Export cancelled; nothing was written.")
            return False
        except (OSError, ValueError) as error:
            warn(self.parent, f"Cannot write {path.name}: {file_problem(error)}.")
            return False
        finally:
            progress.close()
            progress.deleteLater()
            frames.close()
        self.done(path)
        self.show_message(f"Exported {path.name}: {len(frames.frames)} frames.")
        return True
