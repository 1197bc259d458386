"""What happened around a schedule: who changed it (``history.py``) and what its target did
when it fired (``runs.py``), and the two side by side (``correlation.py``)."""
