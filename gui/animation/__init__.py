"""The animation: plays the engine's trace on the canvas (tokens along wires, one
step at a time), with its controls; it computes nothing itself."""
