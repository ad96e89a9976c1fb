"""Reports rendered from a :class:`~journeyaudit.model.Result`.

Each format lives in its own module (``journeyaudit.report.html`` for the HTML
report). Nothing is imported here, so that using one format never pulls in
another's dependencies: only the HTML module imports Jinja2.
"""
