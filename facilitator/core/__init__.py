"""The floor every stage stands on: errors, payload checks, the clock, dates, the network, the
database file with every stage's migrations, and the one reader for every kind of script.
Plain Python: nothing here imports Flask or any stage."""
