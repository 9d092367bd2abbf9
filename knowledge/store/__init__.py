"""The knowledge base in the database: the live source of entries, every version, the review workflow.

The Markdown files under knowledge/entries/ stay the reviewed seed and export format; the app seeds
the database from them once and answers residents from the published versions stored here.
"""
