"""Hypothesis- and theme-led peer reviews: a host, a review team with roles, days on site.

Plain-Python domain modules (enquiry, notebook, findings, feedback, letter, incidents, survey)
over the review tables (store), with a thin web (views) and socket (events) layer above them.
"""
