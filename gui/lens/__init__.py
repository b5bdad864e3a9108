"""The teaching lens: gradient check badges, bug mode, explained steps, nudge, notes."""
