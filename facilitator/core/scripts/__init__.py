"""Scripts: every process as data, read from TOML by one reader (reader.py): a day's agenda
(day.py) and a review's process (review.py)."""
