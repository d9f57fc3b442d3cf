"""Timers beside the channels: work that is due by the clock rather than by an update."""
