"""Documentation that cannot rot: every event, command, script field and store method is written up."""

import re
import tomllib
from pathlib import Path

import pytest

from facilitator.app import create_app
from facilitator.cli import cli
from facilitator.core.scripts import day as scripts
from facilitator.followup.pool import Pool
from facilitator.followup.store import Records
from facilitator.live.store import Store
from facilitator.review.meetings import Meetings
from facilitator.review.offsite_store import OffsiteStore
from facilitator.review.reading_pack import Pack
from facilitator.review.sa_store import SelfAssessments
from facilitator.review.store import ReviewStore
from facilitator.review.team_store import Team
from facilitator.web.realtime import socketio
from facilitator.writeup.store import Reports

ROOT = Path(__file__).resolve().parent.parent
API = (ROOT / "docs" / "realtime-api.md").read_text()
README = (ROOT / "README.md").read_text()


DAY_API = API.split("## Peer reviews: the `/review` namespace")[0]
REVIEW_API = API.split("## Peer reviews: the `/review` namespace")[1]
GUARDS = ("connect", "disconnect", "*")  # answered by the event layer on every namespace, documented once


def _handled(namespace: str) -> set[str]:
    create_app({"DATABASE": ":memory:"})
    return {name for name in socketio.server.handlers[namespace] if name not in GUARDS}


def _sent() -> dict[str, set[str]]:
    """Every event the server sends, by namespace: a module speaks for /review when it names it."""
    sent: dict[str, set[str]] = {"/": set(), "/review": set()}
    for path in (ROOT / "facilitator").rglob("*.py"):
        source = path.read_text()
        names = set(re.findall(r'emit\("(\w+)"', source)) | set(re.findall(r'Broadcast\("(\w+)"', source))
        sent["/review" if 'NS = "/review"' in source else "/"] |= names
    return sent


def test_every_event_the_day_handles_is_documented():
    documented = set(re.findall(r"^\| `(\w+)` \| [^|]+ \| [^|]+ \| [^|]+ \|$",
                                DAY_API.split("## Events a client sends")[1], re.M))
    assert _handled("/") and _handled("/") == documented


def test_every_event_the_review_handles_is_documented():
    documented = set(re.findall(r"^\| `(\w+)` \| `/review` \|", REVIEW_API, re.M))
    assert _handled("/review") and _handled("/review") == documented


def test_every_event_the_server_sends_is_documented_for_its_namespace():
    sent = _sent()
    day_section = DAY_API.split("## Events the server sends")[1].split("## Events a client sends")[0]
    review_section = REVIEW_API.split("| event the server sends |")[1]
    assert sent["/"] and all(f"| `{name}` |" in day_section for name in sent["/"]), sent["/"]
    assert sent["/review"] and all(f"| `{name}` |" in review_section for name in sent["/review"]), sent["/review"]


def test_every_error_code_a_review_event_answers_is_documented():
    reached = ["core/checks.py", "review/notebook.py", "review/visit.py", "review/enquiry.py", "web/realtime.py",
               "web/review_events.py"]  # what the events call; incidents.raise_incident only checks
    codes = set()
    for name in reached:
        codes |= set(re.findall(r'Refused\("(\w+)"', (ROOT / "facilitator" / name).read_text()))
    table = REVIEW_API.split("### Error codes on `/review`")[1].split("###")[0]
    assert codes and codes == set(re.findall(r"^\| `(\w+)` \|", table, re.M))


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


@pytest.mark.parametrize("heading, store", [("The live day: `Store`", Store), ("After the day: `Reports`", Reports),
                                            ("Peer reviews: `ReviewStore`", ReviewStore),
                                            ("The follow-up: `Records`", Records),
                                            ("Self-assessments: `SelfAssessments`", SelfAssessments),
                                            ("The review team: `Team`", Team), ("The reading pack: `Pack`", Pack),
                                            ("Planning meetings: `Meetings`", Meetings),
                                            ("Off-site preparation: `OffsiteStore`", OffsiteStore),
                                            ("The reviewer pool: `Pool`", Pool)])
def test_every_public_method_of_every_store_is_in_the_store_docs(heading, store):
    """docs/store.md is the list a store over another database must fill: it cannot miss a method."""
    section = (ROOT / "docs" / "store.md").read_text().split(f"## {heading}")[1].split("\n## ")[0]
    public = [name for name in vars(store) if not name.startswith("_") and callable(getattr(store, name))]
    missing = [name for name in public if f"`{name}(" not in section]
    assert public and not missing
