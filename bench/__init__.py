"""Sila's benchmark harness: seed a database, serve it with gunicorn, measure pages."""
