"""`flask --app wsgi accounts ...`"""

from __future__ import annotations

from flask.cli import AppGroup

accounts_cli = AppGroup("accounts", help="accounts commands")
