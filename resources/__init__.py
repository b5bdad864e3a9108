"""What the app ships besides code: the example graphs. A package, so that a wheel
install carries them and `importlib.resources` finds them wherever it lives."""
