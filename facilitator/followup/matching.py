"""Suggested matches between asks and other authorities' offers: TF-IDF over word stems and ideas.

Each text becomes a bag of word stems ("recruiting" and "recruitment" are both "recrui") and of
the ideas of the region's thesaurus (`thesaurus.toml`) its phrases name, so "hold on to
experienced social workers" meets "a retention scheme that cut turnover" through the idea
"retention" though the two share no word. Both are weighed by TF-IDF fitted on the region's own
asks and offers, so what every authority says ("children", "social") weighs little and what says
what is wanted ("edge of care", "kinship") weighs much; the score is the cosine of the two bags.
Plain Python over a few hundred short texts: nothing to download, nothing fetched at run time.
The facilitator confirms or rejects a suggestion; a rejected pair is never suggested again.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TOP = 3
MIN_SCORE = 0.08  # below this, two texts share little more than the sector's common words
LIKELY = 0.3  # at or above this, most suggestions of the labelled set answer their ask (bench/matching_quality.py)
IDEA_WEIGHT = 2.0  # an idea named counts as much as two words shared
STEM = 6
THESAURUS = Path(__file__).with_name("thesaurus.toml")
STOPWORDS = frozenset("""a about after again against all also am an and any are as at be been before being
between both but by can cannot could did do does doing done each few for from further get gets got had has
have having here how i if in into is it its itself just me more most much must my need needs no nor not now
of off on once only or other others our ours out over own same she should so some such than that the their
them then there these they this those through to too under until up us very was we were what when where which
while who whom why will with would you your""".split())


@dataclass(frozen=True)
class Suggestion:
    ask_id: str
    offer_id: str
    score: float

    @property
    def likelihood(self) -> str:
        """How the ledger words the score for a reader: 'likely' or 'possible'."""
        return likelihood(self.score)


def likelihood(score: float) -> str:
    return "likely" if score >= LIKELY else "possible"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'").replace("'s ", " "))


def stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        word = word[:-1]
    return word[:STEM]


@cache
def thesaurus(path: Path = THESAURUS) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each phrase, as a tuple of stems, to the ideas it names."""
    groups = tomllib.loads(path.read_text(encoding="utf-8"))["groups"]
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    for idea, said in groups.items():
        for phrase in said:
            key = tuple(stem(w) for w in _words(phrase))
            if key and idea not in phrases.get(key, ()):  # "recruit" and "recruiting" are one stem
                phrases[key] = phrases.get(key, ()) + (idea,)
    return phrases


def features(text: str, phrases: dict | None = None) -> Counter:
    """The stems of a text's content words, and '~idea' for each idea a phrase of it names."""
    phrases = thesaurus() if phrases is None else phrases
    words = _words(text)
    stems = [stem(w) for w in words]
    bag = Counter(s for w, s in zip(words, stems) if w not in STOPWORDS)
    longest = max((len(k) for k in phrases), default=0)
    i = 0
    while i < len(stems):  # longest phrase first, and a phrase's words are not read again for a shorter one
        for n in range(min(longest, len(stems) - i), 0, -1):
            ideas = phrases.get(tuple(stems[i:i + n]))
            if ideas:
                bag.update("~" + idea for idea in ideas)
                i += n
                break
        else:
            i += 1
    return bag


def _weigh(bags: list[Counter]) -> list[dict[str, float]]:
    df = Counter(term for bag in bags for term in bag)
    n = len(bags)
    out = []
    for bag in bags:
        vec = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) * (IDEA_WEIGHT if t[0] == "~" else 1)
               for t, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({t: v / norm for t, v in vec.items()})
    return out


def similarity(asks: list[str], offers: list[str]) -> list[list[float]]:
    """A matrix of scores, one row per ask and one column per offer, from 0 to 1."""
    vectors = _weigh([features(t) for t in list(asks) + list(offers)])
    ask_vecs, offer_vecs = vectors[: len(asks)], vectors[len(asks):]
    return [[sum(w * o.get(t, 0.0) for t, w in a.items()) for o in offer_vecs] for a in ask_vecs]


def suggest(asks: list, offers: list, rejected: set[tuple[str, str]] = frozenset(), top: int = TOP,
            min_score: float = MIN_SCORE) -> dict[str, list[Suggestion]]:
    """For each ask (with .id, .authority, .text), up to `top` offers of other authorities, best first."""
    out: dict[str, list[Suggestion]] = {a.id: [] for a in asks}
    if not asks or not offers:
        return out
    scores = similarity([a.text for a in asks], [o.text for o in offers])
    for i, ask in enumerate(asks):
        ranked = sorted(((scores[i][j], o) for j, o in enumerate(offers)
                         if o.authority != ask.authority and (ask.id, o.id) not in rejected),
                        key=lambda pair: -pair[0])
        out[ask.id] = [Suggestion(ask.id, o.id, round(min(s, 1.0), 3)) for s, o in ranked[:top] if s >= min_score]
    return out
