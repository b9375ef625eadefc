"""One writer per kind of page, for every document of every stage: A4 Word, Markdown, and
print-ready HTML pages."""
