"""Hypothesis- and theme-led peer reviews: a host, a review team with roles, days on site.

Plain-Python domain modules (visit, enquiry, notebook, findings, feedback, letter, incidents,
survey, export) over a store of named methods (store, whose SQL is in tables); the pages and
socket events that call them are in web/.
"""
