"""Keys kept beside the database (the signing key, the organiser's key): made once, readable by
their owner only, the same after every restart."""

from __future__ import annotations

import os
from pathlib import Path


def kept_key(path: Path, make) -> str:
    """The key in `path`, written there from `make()` the first time; OSError or UnicodeDecodeError
    when the folder cannot hold it (the caller says so in its own words)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # created with its mode, so no other user can read it even for a moment
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(make())
    return path.read_text().strip()
