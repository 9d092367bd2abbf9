"""GET /console/search?q=...&region=...: the knowledge base as agents search it."""

from __future__ import annotations

from flask import current_app, render_template, request

from console.search.highlight import highlight, query_terms
from console.web import console_blueprint

bp = console_blueprint("search", __name__, url_prefix="/console/search", roles=("agent", "editor", "admin"))

MAX_QUERY_CHARS = 200
RESULTS = 10


@bp.get("")
def index() -> str:
    """The search form and, with ?q=, the ranked passages."""
    query = request.args.get("q", "").strip()[:MAX_QUERY_CHARS]
    region = request.args.get("region", "").strip()[:40] or None
    hits, terms = [], []
    if query:
        hits = current_app.extensions["knowledge"].search.search(query, region=region, k=RESULTS)
        terms = query_terms(query)
    return render_template("search/index.html", query=query, region=region or "", hits=hits,
                           mark=lambda text: highlight(text, terms))
