"""The build step: the wheel carries the pages, the session scripts and the pinned browser files.

`templates/`, `static/` and `session_scripts/` live at the top of the repository; a built package
holds copies of them inside `facilitator/`, with the files listed in `facilitator/vendor.json`
copied from `node_modules/` into `facilitator/static/vendor/`, so an installed copy needs neither
the checkout nor Node.js. An editable install reads them from the checkout instead.
"""

import json
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
ASSET_DIRS = ("templates", "static", "session_scripts")
NODE_MODULES = HERE / "node_modules"


def vendored() -> dict[str, str]:
    """URL name -> path under node_modules/, for every browser file and notice the wheel carries."""
    listing = json.loads((HERE / "facilitator" / "vendor.json").read_text())
    return {**listing["files"], **listing["notices"]}


def _missing() -> list[str]:
    return [source for source in vendored().values() if not (NODE_MODULES / source).is_file()]


class BuildWithAssets(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the checkout serves its own folders and node_modules
        missing = _missing()
        if missing:
            raise SystemExit(f"error: node_modules/{missing[0]} is missing: run `npm ci` before building the package")
        package = Path(self.build_lib) / "facilitator"
        for name in ASSET_DIRS:
            target = package / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(HERE / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
        vendor = package / "static" / "vendor"
        vendor.mkdir(parents=True, exist_ok=True)
        for name, source in vendored().items():
            shutil.copyfile(NODE_MODULES / source, vendor / name)


class SdistWithVendored(sdist):
    """The source archive carries the listed browser files under node_modules/, so a wheel builds from it."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        missing = _missing()
        if missing:
            raise SystemExit(f"error: node_modules/{missing[0]} is missing: run `npm ci` before building the package")
        for source in vendored().values():
            target = Path(base_dir) / "node_modules" / source
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(NODE_MODULES / source, target)


setup(cmdclass={"build_py": BuildWithAssets, "sdist": SdistWithVendored})
