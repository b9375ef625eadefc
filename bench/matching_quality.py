"""How good are the suggested offers for an ask? Precision and recall of the top three suggestions
against a hand-labelled set (tests/data/asks_offers.json), for TF-IDF with cosine similarity (the
ledger's method) beside the word-stem matching of the summit pack's asks register.

    python bench/matching_quality.py [--min-score 0.08]

Precision: of the offers suggested, the share a practitioner judged would answer the ask.
Recall: of the offers that would answer an ask, the share suggested in its top three.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from types import SimpleNamespace

from facilitator.writeup import summit
from facilitator.followup import matching

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "asks_offers.json"


def load():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    asks = [SimpleNamespace(**a) for a in data["asks"]]
    offers = [SimpleNamespace(**o) for o in data["offers"]]
    return asks, offers


def stems(asks, offers, top=3):
    """The asks register's rule: offers of other authorities sharing most word stems, at least one."""
    out = {}
    for a in asks:
        words = summit._words(a.text)
        shared = [(len(words.keys() & summit._words(o.text).keys()), o) for o in offers if o.authority != a.authority]
        out[a.id] = [o.id for n, o in sorted(shared, key=lambda p: -p[0]) if n][:top]
    return out


def tfidf(asks, offers, min_score, top=3):
    return {k: [s.offer_id for s in v] for k, v in matching.suggest(asks, offers, top=top, min_score=min_score).items()}


def score(asks, suggested) -> dict:
    hits = sum(len(set(suggested[a.id]) & set(a.answers)) for a in asks)
    made = sum(len(suggested[a.id]) for a in asks)
    relevant = sum(len(a.answers) for a in asks)
    first = sum(1 for a in asks if suggested[a.id][:1] and suggested[a.id][0] in a.answers)
    with_answer = sum(1 for a in asks if a.answers)
    return {"precision": hits / made if made else 0.0, "recall": hits / relevant, "suggested": made,
            "hits": hits, "relevant": relevant, "top1": first / with_answer}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-score", type=float, default=matching.MIN_SCORE)
    args = parser.parse_args(argv)
    asks, offers = load()
    print(f"{len(asks)} asks, {len(offers)} offers, {sum(len(a.answers) for a in asks)} labelled answers")
    rows = [("word stems (summit asks register)", stems(asks, offers)),
            (f"TF-IDF + cosine, min score {args.min_score}", tfidf(asks, offers, args.min_score)),
            ("TF-IDF + cosine, always top 3", tfidf(asks, offers, 0.0))]
    print(f"{'method':44} {'precision@3':>11} {'recall@3':>9} {'top-1 right':>11} {'suggested':>9}")
    for name, suggested in rows:
        s = score(asks, suggested)
        print(f"{name:44} {s['precision']:11.2f} {s['recall']:9.2f} {s['top1']:11.2f} {s['suggested']:9d}"
              f"   ({s['hits']} of {s['relevant']} answers found)")


if __name__ == "__main__":
    main()
