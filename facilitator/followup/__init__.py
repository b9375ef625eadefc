"""After the day: the host's response, the review of impact the host may hold six months or more on, and the region's ledger
of asks and offers, with its suggested matches. Built on the day store and the reports tables;
nothing below this package imports it."""
