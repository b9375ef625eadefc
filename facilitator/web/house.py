"""The stores every page, event and command reaches, made once by the app factory and held on
the app under one name, so a view asks `house().reviews`, not a string key of its own."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app

from ..followup.pool import Pool
from ..followup.service import FollowUp
from ..live.engine import Engine
from ..review.meetings import Meetings
from ..review.reading_pack import Pack
from ..review.sa_store import SelfAssessments
from ..review.store import ReviewStore
from ..review.team_store import Team
from ..writeup.store import Reports
from .ratelimit import Buckets

KEY = "facilitator"


@dataclass
class House:
    engine: Engine
    reports: Reports
    reviews: ReviewStore
    review_scripts: dict
    followup: FollowUp
    self_assessments: SelfAssessments | None = None  # every host's, before its challenge
    team: Team | None = None  # each review's team invited by name, and their responsibilities
    pack: Pack | None = None  # each review's reading pack and requests for supplementary material
    meetings: Meetings | None = None  # the notes and agreements of each review's planning meetings
    pool: Pool | None = None  # the region's pool of reviewers, for the programme and the teams
    sa_templates: dict = field(default_factory=dict)  # the self-assessment templates, by id
    buckets: dict[str, Buckets] = field(default_factory=dict)  # token buckets by what they limit
    assets: object | None = None  # web.assets.Assets, once the app serves its files
    lock: object | None = None  # serve.lock.ServerLock, held while `facilitator serve` runs


def of(app: Flask) -> House:
    return app.extensions[KEY]


def house() -> House:
    return current_app.extensions[KEY]
