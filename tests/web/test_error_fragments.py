"""Error answers to htmx: a fragment, and never swapped over the part of the page aimed at.

base.html lets htmx swap 403 answers (the ticket page's refusals say where with
HX-Retarget); a 403 from a role check must leave the page as it was.
"""

from __future__ import annotations


def test_an_htmx_request_refused_by_role_gets_a_fragment_that_is_not_swapped(htmx, login,
                                                                             make_user):
    login(make_user("agent"))
    response = htmx.get("/admin/services")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert 'data-status="403"' in html and "<html" not in html
    assert response.headers["HX-Reswap"] == "none"


def test_a_page_refused_by_role_is_a_whole_page_without_htmx_headers(client, login,
                                                                     make_user):
    login(make_user("agent"))
    response = client.get("/admin/services")
    assert response.status_code == 403
    assert "<html" in response.get_data(as_text=True)
    assert "HX-Reswap" not in response.headers
