"""The model and the maths of Backprop Studio. Nothing in this package imports Qt.

Import from the modules themselves (`engine.document`, `engine.evaluate`, ...): the
package imports nothing, so `main.py eval` loads only what it uses.
"""
