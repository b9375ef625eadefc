"""The facilitator: live facilitation for triad peer challenge days.

Kept free of imports so that `facilitator serve` can patch the standard library for eventlet
before anything else loads.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
