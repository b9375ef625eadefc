"""Which offers answer an ask: paraphrases found, the entry point's shape, and the quality floor on
the hand-labelled set (tests/data/asks_offers.json), computed from the data, not copied from a run."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from facilitator.followup import matching

DATA = json.loads((Path(__file__).parent / "data" / "asks_offers.json").read_text(encoding="utf-8"))
ASKS = [SimpleNamespace(**a) for a in DATA["asks"]]
OFFERS = [SimpleNamespace(**o) for o in DATA["offers"]]

# The floors the labelled set must clear, for the suggestions the ledger shows (top 3, MIN_SCORE).
# The method before (scikit-learn TF-IDF over words and character n-grams) scored 0.38, 0.63 and
# 0.68 on the whole set: the floors sit above it, and below today's figures by a margin.
FLOOR = {"precision": 0.45, "recall": 0.85, "top1": 0.85}
HELD_OUT_FLOOR = {"recall": 0.6, "top1": 0.6}  # asks written after the thesaurus, which never saw them


def thing(i, authority, text):
    return SimpleNamespace(id=i, authority=authority, text=text)


def figures(asks):
    got = {k: [s.offer_id for s in v] for k, v in matching.suggest(asks, OFFERS).items()}
    hits = sum(len(set(got[a.id]) & set(a.answers)) for a in asks)
    made = sum(len(got[a.id]) for a in asks)
    answered = [a for a in asks if a.answers]
    return {"precision": hits / made, "recall": hits / sum(len(a.answers) for a in asks),
            "top1": sum(1 for a in answered if got[a.id][:1] and got[a.id][0] in a.answers) / len(answered)}


# Labelled pairs that say the same thing in different words, e.g. a25 "We need to hold on to experienced
# social workers" and o25 "A retention scheme that cut social worker turnover".
PARAPHRASES = [("a25", "o25"), ("a26", "o26"), ("a28", "o28"), ("a33", "o33"), ("a20", "o20"), ("a32", "o32"),
               ("a49", "o49"), ("a48", "o48"), ("a52", "o52"), ("a45", "o45"), ("a40", "o40")]


@pytest.mark.parametrize("ask_id, offer_id", PARAPHRASES)
def test_a_paraphrased_offer_is_in_the_asks_top_three_among_all_the_offers(ask_id, offer_id):
    ask = next(a for a in ASKS if a.id == ask_id)
    assert offer_id in ask.answers
    got = matching.suggest([ask], OFFERS)[ask_id]
    assert offer_id in [s.offer_id for s in got], (ask.text, [s.offer_id for s in got])


def test_a_paraphrase_is_found_where_no_word_is_shared():
    ask, offer = "We need to hold on to experienced staff", "A scheme that cut turnover"
    assert not {w for w in matching.features(ask) if w[0] != "~"} & set(matching.features(offer))
    got = matching.suggest([thing("a", "Asking", ask)], [thing("o", "Offering", offer),
                                                         thing("x", "Offering", "Family group conferencing")])
    assert [s.offer_id for s in got["a"]] == ["o"]


def test_suggest_gives_every_ask_a_list_of_suggestions_naming_the_offer_and_worded_for_a_reader():
    got = matching.suggest(ASKS, OFFERS)
    assert set(got) == {a.id for a in ASKS}
    offers = {o.id: o for o in OFFERS}
    for ask in ASKS:
        scores = [s.score for s in got[ask.id]]
        assert len(got[ask.id]) <= matching.TOP and scores == sorted(scores, reverse=True)
        for s in got[ask.id]:
            assert s.ask_id == ask.id and offers[s.offer_id].authority != ask.authority
            assert matching.MIN_SCORE <= s.score <= 1
            assert s.likelihood == ("likely" if s.score >= matching.LIKELY else "possible")


def test_an_ask_with_no_usable_words_gets_nothing_rather_than_an_error():
    got = matching.suggest([thing("a", "X", "?!"), thing("b", "X", "")], [thing("o", "Y", "...")])
    assert got == {"a": [], "b": []}


def test_leaving_care_is_a_care_leaver_not_a_worker_leaving():
    assert "~care_leavers" in matching.features("Young people leaving care")
    assert "~retention" not in matching.features("Young people leaving care")


def test_the_labelled_set_is_big_enough_and_labelled_only_with_other_authorities_offers():
    assert len(ASKS) >= 60 and len(OFFERS) >= 60
    offers = {o.id: o for o in OFFERS}
    assert all(offers[x].authority != a.authority for a in ASKS for x in a.answers)
    assert sum(1 for a in ASKS if getattr(a, "held_out", False)) >= 10


def test_the_suggestions_clear_the_quality_floor_on_the_labelled_set():
    got = figures(ASKS)
    assert all(got[k] >= v for k, v in FLOOR.items()), got


def test_asks_the_thesaurus_never_saw_still_find_their_offers():
    got = figures([a for a in ASKS if getattr(a, "held_out", False)])
    assert all(got[k] >= v for k, v in HELD_OUT_FLOOR.items()), got
