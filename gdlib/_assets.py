"""The JavaScript that gdlib's kernel-free HTML embeds, read from ``gdlib/js/*.js``.

The scripts live in real files (shipped as package data) so that they can be checked
by ``node`` (``tests/test_js.py``). Each is embedded verbatim, with ``__UID__`` replaced
by the element's id.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

__all__ = ["script"]


@cache
def script(name: str) -> str:
    """The text of ``gdlib/js/<name>.js`` without its final newline."""
    text = (files("gdlib") / "js" / f"{name}.js").read_text(encoding="utf-8")
    return text[:-1] if text.endswith("\n") else text
