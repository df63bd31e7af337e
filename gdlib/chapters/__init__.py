"""The chapter layer: one module per notebook, named like it (``chNN_<topic>.py``).

A chapter module holds what only its chapter uses: story material, its own plots and
data. It imports only the core (``gdlib.calculus``, ``gdlib.descent``, ...); the core
never imports a chapter module. ``tests/test_layout.py`` enforces both rules.
Start a new chapter with ``python scripts/new_chapter.py NN topic``.
"""
