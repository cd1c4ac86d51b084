"""Gunicorn reads this file from the folder it starts in (``gunicorn wsgi:app``)."""


def post_worker_init(worker):
    """Each worker compiles the templates before it takes its first request."""
    from helpdesk.web.warmup import compile_templates

    compile_templates(worker.wsgi)
