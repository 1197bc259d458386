"""Reusable widgets shared by the screens (import from the submodules)."""
