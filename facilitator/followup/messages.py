"""Each person's own invitation (seed 003's programme manager sends them): a plain message to paste
into an e-mail, greeting them by name, saying what and when, with their own link and nobody
else's, and a calendar file that carries that one link. A review's host, its lead and each member
invited by name; a triad day's each host authority, with its own review link and the day's join
details. An unannounced visit's host is told only the window, never the first day on site."""

from __future__ import annotations

from datetime import date as Date

from ..review import window
from ..review.letter import visit_days
from ..writers.ics import Event, calendar, slug


def review_recipients(review: dict, script, invited: list[dict]) -> list[dict]:
    """Who gets a message: the host, the lead, then each member invited by name."""
    return ([{"who": "host", "name": review.get("host_dcs_name") or "", "role": script.host_label},
             {"who": "lead", "name": review.get("lead_name") or "", "role": script.lead_label}]
            + [{"who": m["id"], "name": m["name"], "role": script.role(m["role"]).label if script.role(m["role"]) else m["role"]}
               for m in invited])


def _when(review: dict, script, host: bool) -> tuple[str, Date | None, Date | None]:
    """The dates this person may be told: the host of an unannounced visit, the window only."""
    days = [] if window.hides_date(review, host) else visit_days(review, script)
    if days:
        first, last = days[0], days[-1]
        words = f"{first:%A %-d %B %Y}" if first == last else f"{first:%A %-d %B} to {last:%A %-d %B %Y}"
        return f"on site {words}", first, last
    if window.windowed(review):
        first, last = window.span(review)
        return f"within the visit window {window.words(review)} (the day itself is not announced)", first, last
    return "on dates still to be set", None, None


def review_message(review: dict, script, recipient: dict, link: str, sender: str = "") -> str:
    host = recipient["who"] == "host"
    when, _, _ = _when(review, script, host)
    greeting = f"Dear {recipient['name']}," if recipient["name"] else f"Dear {recipient['role']},"
    if host:
        what = f"{review['host']} is to host the {script.title}, \"{review['title']}\", {when}."
        use = "This is your own link as the host: keep it to yourself. It opens the review's host page, where you agree the lines of enquiry, confirm the team and read the findings:"
    elif recipient["who"] == "lead":
        what = f"You are the {script.lead_label} for the {script.title} of {review['host']}, \"{review['title']}\", {when}."
        use = "This is your own link to the lead's console: keep it to yourself."
    else:
        what = (f"You are invited to the team of the {script.title} of {review['host']}, \"{review['title']}\", "
                f"as {recipient['role']}, {when}.")
        use = "This is your own link to the team's notebook: keep it to yourself, and declare any conflict of interest there first."
    lines = [greeting, "", what, "", use, link, "", "The calendar file attached holds the dates and this link."]
    if sender:
        lines += ["", sender]
    return "\n".join(lines) + "\n"


def review_ics(review: dict, script, recipient: dict, link: str, now_ms: int) -> str | None:
    """One person's calendar file, with their link alone; None while there are no dates to hold."""
    host = recipient["who"] == "host"
    when, first, last = _when(review, script, host)
    if first is None:
        return None
    summary = f"{script.title}: {review['host']}" + (" (visit window)" if "window" in when else "")
    return calendar([Event(f"invite-{review['id']}-{slug(str(recipient['who']))}", first, summary,
                           f"{review['title']}, {when}.\nYour own link: {link}", last=last)], now_ms, "Invitation")


def day_message(day: dict, script_title: str, authority: str, review_link: str, join_url: str, start_time: str | None) -> str:
    on = Date.fromisoformat(day["date"])
    others = [a for a in day["authorities"] if a != authority]
    at = f" from {start_time}" if start_time else ""
    return "\n".join([
        f"Dear colleagues in {authority},", "",
        f"{day['title']} ({script_title}) is on {on:%A %-d %B %Y}{at}, with "
        f"{' and '.join(others) if others else 'the visiting team'}.", "",
        f"On the day, join from your phone at {join_url} (the day's code is {day['join_code']}).", "",
        f"{authority}'s own review link, for your summary, response and review of impact afterwards: keep it within {authority}.",
        review_link, "", "The calendar file attached holds the date and both links.", ""])


def day_ics(day: dict, script_title: str, authority: str, review_link: str, join_url: str, now_ms: int) -> str:
    return calendar([Event(f"invite-day-{day['id']}-{slug(authority)}", Date.fromisoformat(day["date"]),
                           f"{day['title']} ({script_title})",
                           f"Join on the day: {join_url} (code {day['join_code']})\n{authority}'s own review link: {review_link}")],
                    now_ms, "Invitation")
