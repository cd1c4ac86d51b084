"""Every template compiles, so that a worker can compile them all before its first request."""

from helpdesk.web.warmup import compile_templates


def test_every_template_of_the_app_and_its_plugins_compiles_into_the_cache(app):
    compiled = compile_templates(app)  # a template with a syntax error raises here
    cache = app.jinja_env.cache
    assert compiled > 100
    # All of them stay cached: the cache holds more than there are templates.
    assert compiled < cache.capacity
    cached = {name for _loader, name in cache.keys()}
    assert {"tickets/show.html", "casework/_panel.html", "portal/home.html"} <= cached
