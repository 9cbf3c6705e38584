"""WSGI entry point: `gunicorn wsgi:app` (set REVIEWAPP_CONFIG=production)."""
from reviewapp import create_app

app = create_app()
