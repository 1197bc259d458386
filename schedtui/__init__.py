"""schedtui: a terminal UI for operating AWS EventBridge Scheduler."""

__version__ = "0.1.0"
