"""Documentation that cannot rot: every event, command and script field is written up."""

import re
import tomllib
from pathlib import Path

from facilitator.core.scripts import day as scripts
from facilitator.app import create_app
from facilitator.cli import cli
from facilitator.web.realtime import socketio

ROOT = Path(__file__).resolve().parent.parent
API = (ROOT / "docs" / "realtime-api.md").read_text()
README = (ROOT / "README.md").read_text()


def test_every_socket_event_the_server_handles_is_documented():
    create_app({"DATABASE": ":memory:"})
    handled = {name for name in socketio.server.handlers["/"] if name not in ("connect", "disconnect", "*")}
    documented = set(re.findall(r"^\| `(\w+)` \| [^|]+ \| [^|]+ \| [^|]+ \|$", API.split("## Events a client sends")[1],
                                re.M))
    assert handled and handled == documented


def test_every_event_the_server_sends_is_documented():
    sent = set()
    for path in (ROOT / "facilitator" / "live").rglob("*.py"):
        sent |= set(re.findall(r'Broadcast\("(\w+)"', path.read_text()))
        sent |= set(re.findall(r'socketio\.emit\("(\w+)"', path.read_text()))
    section = API.split("## Events the server sends")[1].split("## Events a client sends")[0]
    assert sent and all(f"| `{name}` |" in section for name in sent)


def test_every_command_and_option_is_in_the_readme():
    for name, command in cli.commands.items():
        assert f"facilitator {name}" in README, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in README, f"{name} {opt}"


def test_every_script_field_is_in_the_readme():
    data = tomllib.loads((scripts.SCRIPTS_DIR / "se-triad.toml").read_text())
    fields = set(data) | {k for kind in data["kinds"].values() for k in kind}
    fields |= {k for step in data["steps"].values() for k in step} | set(data["categories"])
    fields |= {"categorised", "anytime", "queue", "open_question_nudge", "turns", "listening"}
    section = README.split("## Session scripts")[1]
    missing = [f for f in sorted(fields) if f"`{f}`" not in section]
    assert not missing
