"""The PySide6 editor. It observes the engine's document and never keeps its own truth."""
