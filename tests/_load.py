"""The project's scripts as modules for the tests (``scripts/`` is not a package).

``load_script("edit_proof")`` loads ``scripts/edit_proof.py`` once, registered in
``sys.modules`` under its own name (dataclasses and process pools look their module up
there), with ``scripts/`` on ``sys.path`` so that it finds its neighbours (``_toc``).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))


def load_script(name: str) -> ModuleType:
    """``scripts/<name>.py`` as the module ``name`` (the same object on every call)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
