"""The WSGI entry point for gunicorn and the flask command: ``gunicorn wsgi:app``."""

import sys

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from helpdesk import create_app
from helpdesk.errors import StartupError
from helpdesk.extensions import db


def _start():
    try:
        application = create_app()
        with application.app_context():
            db.session.execute(text("SELECT 1"))
            db.session.remove()
    except StartupError as exc:
        sys.stderr.write(f"sila: cannot start: {exc}\n")
        raise SystemExit(1) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        sys.stderr.write(f"sila: cannot start: the database is unreachable ({reason})\n")
        raise SystemExit(1) from None
    return application


app = _start()
