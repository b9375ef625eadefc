"""A review's tables: the review and its team, lines of enquiry, notes, findings, actions,
incidents, the letter, the reflection survey, the planning timeline and the off-site preparation.

The set keeps the name it was first released under, so a database that has had it runs none again.
"""

from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("facilitator-review")


@migrations()
def m001_review(db):
    db.table("reviews").create(
        {"id": str, "script": str, "title": str, "host": str, "start_date": str, "lead_key": str, "host_key": str,
         "join_code": str, "clock": str, "seq": int, "themes": str, "feedback_date": str, "created_ms": int},
        pk="id", not_null={"script", "title", "host", "start_date", "lead_key", "host_key", "join_code", "clock"},
        defaults={"seq": 0},
    )
    for column in ("lead_key", "host_key", "join_code"):
        db.table("reviews").create_index([column], unique=True)
    db.table("review_members").create(
        {"id": str, "review_id": str, "role": str, "token": str, "created_ms": int},
        pk="id", foreign_keys=[("review_id", "reviews", "id")], not_null={"review_id", "role", "token"},
    )
    db.table("review_members").create_index(["token"], unique=True)
    db.table("review_lines").create(
        {"id": str, "review_id": str, "position": int, "title": str, "linked_data": int, "linked_sa": int,
         "methods": str, "proposed": str, "status": str, "host_note": str, "disagreement": int,
         "decided_ms": int, "conclusions": str, "method_comments": str, "host_comments": str},
        pk="id", foreign_keys=[("review_id", "reviews", "id")], not_null={"review_id", "title", "status"},
    )
    db.table("review_notes").create(
        {"id": str, "review_id": str, "line_id": str, "source": str, "text": str, "role": str, "created_ms": int},
        pk="id", foreign_keys=[("review_id", "reviews", "id"), ("line_id", "review_lines", "id")],
        not_null={"review_id", "line_id", "source", "text", "role"},
    )
    db.table("review_findings").create(
        {"id": str, "review_id": str, "line_id": str, "text": str, "evidence": str, "released": int,
         "created_ms": int},
        pk="id", foreign_keys=[("review_id", "reviews", "id"), ("line_id", "review_lines", "id")],
        not_null={"review_id", "line_id", "text"}, defaults={"released": 0},
    )
    db.table("review_actions").create(
        {"id": str, "review_id": str, "position": int, "text": str, "agreed": str, "commentary": str,
         "findings": str, "created_ms": int},
        pk="id", foreign_keys=[("review_id", "reviews", "id")], not_null={"review_id", "text"},
    )
    db.table("review_incidents").create(
        {"id": str, "review_id": str, "nature": str, "evidence": str, "identified_at": str, "role": str,
         "immediate_action": str, "raised_at": str, "host_action": str, "lead_signed_ms": int,
         "host_signed_ms": int, "created_ms": int},
        pk="id", foreign_keys=[("review_id", "reviews", "id")], not_null={"review_id", "nature", "role"},
    )
    db.table("review_letters").create(
        {"review_id": str, "salutation": str, "summary": str, "variations": str, "signature": str,
         "shared_ms": int, "proofread_ms": int, "signed_ms": int, "updated_ms": int},
        pk="review_id", foreign_keys=[("review_id", "reviews", "id")],
    )
    # Who has answered the reflection survey, kept apart from the answers so none can be traced.
    db.table("review_survey_done").create(
        {"review_id": str, "member_id": str}, pk=("review_id", "member_id"),
        foreign_keys=[("review_id", "reviews", "id")],
    )
    db.table("review_survey").create(
        {"id": str, "review_id": str, "answers": str}, pk="id", foreign_keys=[("review_id", "reviews", "id")],
    )


@migrations()
def m002_note_authors(db):
    # Who wrote a note (a member's id, or "lead"), so only its author corrects or withdraws it.
    db.table("review_notes").add_column("author", str)
    db.table("review_notes").add_column("edited_ms", int)
    db.table("review_notes").add_column("withdrawn_ms", int)


@migrations()
def m004_self_assessment(db):
    # One self-assessment per host: a day's authority or a review's host, by (owner kind, owner id, authority).
    db.table("self_assessments").create(
        {"owner_kind": str, "owner_id": str, "authority": str, "template": str, "scope": str, "part_a": str,
         "ratings": str, "strengths": str, "weaknesses": str, "enablers": str, "blockers": str, "enquiry": str,
         "risks": str, "signed_name": str, "signed_position": str, "signed_date": str, "signed_ms": int,
         "file_name": str, "file_type": str, "file_size": int, "file_data": bytes, "data_name": str, "data": str,
         "answers": str, "reviewed_ms": int, "updated_ms": int},
        pk=("owner_kind", "owner_id", "authority"), not_null={"owner_kind", "owner_id", "authority"},
    )
    # The part of the self-assessment a hypothesis tests (a Part B area or a section), if any.
    db.table("review_lines").add_column("sa_part", str)


@migrations()
def m005_strengths_and_host_replies(db):
    # Each key finding is a strength or an area for development; older findings stay unmarked.
    db.table("review_findings").add_column("kind", str)
    # The names the letter is addressed to and signed with.
    db.table("reviews").add_column("host_dcs_name", str)
    db.table("reviews").add_column("lead_name", str)
    # The host's answer to a released finding: one a finding, changed as often as the host likes.
    db.table("review_host_replies").create(
        {"review_id": str, "finding_id": str, "stance": str, "text": str, "updated_ms": int},
        pk=("review_id", "finding_id"), foreign_keys=[("review_id", "reviews", "id")],
        not_null={"review_id", "finding_id", "stance"},
    )
    db.table("review_letter_comments").create(
        {"id": str, "review_id": str, "text": str, "created_ms": int},
        pk="id", foreign_keys=[("review_id", "reviews", "id")], not_null={"review_id", "text"},
    )
    # The report is published only when the host chooses.
    db.table("review_letters").add_column("published_ms", int)


@migrations()
def m006_incident_record_and_survey(db):
    # The critical incident record as the handbook's form has it: what was identified in a line, the
    # Host DCS and the peer challenging DCS by name, and who signed. Survey answers are JSON: no column.
    for column in ("headline", "host_dcs", "peer_dcs", "lead_signed_name", "host_signed_name"):
        db.table("review_incidents").add_column(column, str)


@migrations()
def m007_held_notes(db):
    """What a note seemed to hold that could identify a child (JSON), while the lead holds it back
    from the team's pages, the verbal feedback and every copy."""
    db.table("review_notes").add_column("held", str)


@migrations()
def m008_planning_timeline(db):
    """Which steps of the planning timeline are done, when and by whom (the lead or the host)."""
    db.table("review_plan").create({"review_id": str, "step": str, "done_ms": int, "done_by": str},
                                   pk=("review_id", "step"), foreign_keys=[("review_id", "reviews", "id")])


@migrations()
def m009_team(db):
    """The team invited by name to a role, each with their own link: the host DCS's decision on each
    (confirmed, or asked to reconsider and why) and the conflicts each declares; and the agreed
    responsibilities during the visit, per role and day (003's grid), for each member's phone."""
    members = db.table("review_members")
    for column, kind in (("name", str), ("invited_ms", int), ("opened_ms", int), ("host_decision", str),
                         ("host_note", str), ("decided_ms", int), ("conflicts", str), ("declared_ms", int),
                         ("withdrawn_ms", int)):
        members.add_column(column, kind)
    db.table("review_duties").create(
        {"review_id": str, "role": str, "day": int, "focus": str, "line_id": str, "morning": str, "afternoon": str,
         "notes": str, "updated_ms": int},
        pk=("review_id", "role", "day"), foreign_keys=[("review_id", "reviews", "id")])


@migrations()
def m010_offsite_preparation(db):
    """The off-site preparation: the survey of staff and partners, answered through its own link,
    and the team's case mapping. A survey answer keeps its group and answers, and nothing of who
    gave it or when: no name, no address, no browser, no time. Its free text is stored apart, in
    rows of no order and no link to the answer, each held for the lead while it seems to name a child."""
    db.table("review_offsite").create(
        {"review_id": str, "survey_key": str, "opened_ms": int, "closed_ms": int},
        pk="review_id", foreign_keys=[("review_id", "reviews", "id")], not_null={"survey_key"},
    )
    db.table("review_offsite").create_index(["survey_key"], unique=True)
    db.table("review_offsite_answers").create(
        {"id": str, "review_id": str, "grp": str, "answers": str},
        pk="id", foreign_keys=[("review_id", "reviews", "id")], not_null={"review_id", "grp", "answers"},
    )
    db.table("review_offsite_texts").create(
        {"id": str, "review_id": str, "question": str, "text": str, "held": str},
        pk="id", foreign_keys=[("review_id", "reviews", "id")], not_null={"review_id", "question", "text"},
    )
    db.table("review_offsite_cases").create(
        {"id": str, "review_id": str, "label": str, "fields": str, "held": str, "role": str, "created_ms": int},
        pk="id", foreign_keys=[("review_id", "reviews", "id")], not_null={"review_id", "label", "fields", "role"},
    )


@migrations()
def m011_visit_window(db):
    """An unannounced visit's window, the only dates its host is told; start_date stays the first day
    on site, which the team knows and may set later ("" until then)."""
    db.table("reviews").add_column("window_first", str)
    db.table("reviews").add_column("window_last", str)


@migrations()
def m012_reading_pack(db):
    """The host's reading pack, slim by design (001 paragraph 16), and the team's requests for
    supplementary material with the host's answers, each answer's document among the pack's."""
    db.table("review_requests").create(
        {"id": str, "review_id": str, "role": str, "text": str, "asked_ms": int, "answer": str, "answered_ms": int},
        pk="id", foreign_keys=[("review_id", "reviews", "id")], not_null={"review_id", "role", "text"})
    db.table("review_documents").create(
        {"id": str, "review_id": str, "title": str, "file_name": str, "file_type": str, "file_size": int,
         "file_data": bytes, "request_id": str, "added_ms": int},
        pk="id", foreign_keys=[("review_id", "reviews", "id")],
        not_null={"review_id", "title", "file_name", "file_type", "file_data"})


@migrations()
def m013_meeting_records(db):
    """The notes and agreements of the planning timeline's meetings (a planning discussion, a
    pre-meeting): when it was held, its notes, and what it agreed under each of the script's headings."""
    db.table("review_meetings").create(
        {"review_id": str, "step": str, "held_on": str, "notes": str, "agreed": str, "updated_ms": int,
         "updated_by": str},
        pk=("review_id", "step"), foreign_keys=[("review_id", "reviews", "id")])


@migrations()
def m014_action_plan(db):
    """An agreed action becomes the host's action plan: who owns it (a role, never a person's name)
    and the date it is due, for the follow-up and the review of impact to look back at."""
    db.table("review_actions").add_column("owner", str)
    db.table("review_actions").add_column("due_date", str)


@migrations()
def m015_strengths_to_the_summit(db):
    """The host's word on sharing a released strength with the region's summit: as written, in its
    own words (the text it gave), or kept back. Nothing is shared until the host says so."""
    db.table("review_findings").add_column("summit", str)
    db.table("review_findings").add_column("summit_text", str)


@migrations()
def m016_lines_to_the_summit(db):
    """The host's word on naming its review's lines of enquiry (hypotheses or themes) at the region's
    summit, so the region sees what its reviews looked into: "agreed", or kept back (none)."""
    db.table("reviews").add_column("summit_lines", str)
