"""After the day: the host's response, the review of impact six months on, and the region's ledger
of asks and offers, with its suggested matches. Built on the day store and the reports tables;
nothing below this package imports it."""
