"""Custom operations in the window: Operation ▸ New Operation…, the dialog that derives
and checks the derivative as you type, Edit and Delete from the palette (engine.custom.definitions)."""
