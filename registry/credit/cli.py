"""`flask --app wsgi credit ...`"""

from __future__ import annotations

from flask.cli import AppGroup

credit_cli = AppGroup("credit", help="credit commands")
