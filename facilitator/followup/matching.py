"""Suggested matches between asks and other authorities' offers, by TF-IDF and cosine similarity.

Each text is weighted twice with scikit-learn's TfidfVectorizer: by its words and word pairs
(English stop words out), and by the character n-grams inside its words, so "recruiting" meets
"recruitment" and "SGO" meets "SGOs" without a hand-made stemmer. Both are fitted on the region's
own asks and offers, so words every authority uses ("children", "social") weigh little and the
ones that say what is wanted ("edge of care", "family group conferencing") weigh much. The score
is the mean of the two cosines. The facilitator confirms or rejects a suggestion; a rejected pair
is never suggested again.
"""

from __future__ import annotations

from dataclasses import dataclass

TOP = 3
MIN_SCORE = 0.08  # below this, two texts share little more than the sector's common words


@dataclass(frozen=True)
class Suggestion:
    ask_id: str
    offer_id: str
    score: float


def _vectorizers():
    from sklearn.feature_extraction.text import TfidfVectorizer  # imported when first needed: it is slow to load

    return (TfidfVectorizer(analyzer="word", ngram_range=(1, 2), stop_words="english", sublinear_tf=True,
                            token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b"),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True))


def similarity(asks: list[str], offers: list[str]):
    """A matrix of scores, one row per ask and one column per offer, from 0 to 1."""
    from sklearn.metrics.pairwise import cosine_similarity

    corpus = list(asks) + list(offers)
    total = None
    for vectorizer in _vectorizers():
        try:
            matrix = vectorizer.fit_transform(corpus)
        except ValueError:  # no usable words at all: that view scores nothing
            continue
        scores = cosine_similarity(matrix[: len(asks)], matrix[len(asks):])
        total = scores if total is None else total + scores
    if total is None:
        return [[0.0] * len(offers) for _ in asks]
    return (total / 2).tolist()


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
        out[ask.id] = [Suggestion(ask.id, o.id, round(s, 3)) for s, o in ranked[:top] if s >= min_score]
    return out
