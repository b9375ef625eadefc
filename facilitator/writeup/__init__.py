"""After the session: summaries, case studies, the day's document in all its formats, the
signatures-of-risk grid and the summit pack, over the write-up's tables (store)."""
