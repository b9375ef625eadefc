"""The facilitator: live facilitation for triad peer challenge days.

Kept free of imports so that `facilitator serve` can patch the standard library for eventlet
before anything else loads.
"""

import json
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
# An installed package carries copies of templates/, static/ and session_scripts/ (see setup.py);
# run from a checkout, they are the repository's own folders.
INSTALLED = (PACKAGE / "templates").is_dir()
ROOT = PACKAGE if INSTALLED else CHECKOUT


def vendor_files() -> dict[str, Path]:
    """The browser files served at /vendor/NAME, from the package or the checkout's node_modules."""
    listing = json.loads((PACKAGE / "vendor.json").read_text())["files"]
    if INSTALLED:
        return {name: PACKAGE / "static" / "vendor" / name for name in listing}
    return {name: CHECKOUT / "node_modules" / source for name, source in listing.items()}


def missing_assets() -> list[Path]:
    """Files the pages cannot work without that are not where they should be."""
    needed = [ROOT / "templates" / "phone.html", ROOT / "static" / "js" / "live.js",
              ROOT / "session_scripts", *vendor_files().values()]
    return [path for path in needed if not path.exists()]


def default_database() -> Path:
    """`FACILITATOR_DATA/facilitator.db`, else the user's data folder: never the folder a command starts in."""
    import os

    folder = os.environ.get("FACILITATOR_DATA")
    if not folder:
        import platformdirs

        folder = platformdirs.user_data_dir("facilitator", appauthor=False)
    return Path(folder) / "facilitator.db"
