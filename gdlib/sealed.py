"""Answer keys that a notebook can hold without showing them.

Student notebooks (``make student``) keep the chapters' self-checks but not the cells that
compute their expected values. :func:`seal` turns such a value into an opaque token that
the generated notebook stores; :func:`unseal` turns it back, so
``gd.exercises.check(my_answer, expected)`` still works. It is not encryption (anyone
determined can decode it): it keeps the answer out of plain view, as a folded solution does.

Examples
--------
>>> token = seal([80.0, 3])
>>> "80" in token
False
>>> unseal(token)
[80.0, 3]
"""

from __future__ import annotations

import base64
import json
import zlib

import numpy as np

__all__ = ["seal", "unseal"]

_PREFIX = "gdsealed1:"
_KEY = b"downhill"


def _mask(data: bytes) -> bytes:
    return bytes(b ^ _KEY[i % len(_KEY)] for i, b in enumerate(data))


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.generic,)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def seal(value) -> str:
    """An opaque token for ``value`` (numbers, strings, booleans, lists or arrays of them)."""
    try:
        text = json.dumps(_plain(value), allow_nan=True)
    except TypeError as exc:
        raise TypeError(f"value must be numbers, strings or lists of them, got "
                        f"{type(value).__name__}") from exc
    return _PREFIX + base64.b64encode(_mask(zlib.compress(text.encode()))).decode()


def unseal(token: str):
    """The value :func:`seal` turned into ``token``."""
    if not isinstance(token, str) or not token.startswith(_PREFIX):
        raise ValueError("token must be a string made by gdlib.sealed.seal")
    try:
        raw = zlib.decompress(_mask(base64.b64decode(token[len(_PREFIX):], validate=True)))
    except (ValueError, zlib.error) as exc:
        raise ValueError("token is damaged: regenerate the notebook with make student") from exc
    return json.loads(raw)
