"""The portal's home tells its two forms apart, and each channel tile says how to use that
channel from the association's profile, or politely that it cannot be used yet."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk.accounts.models import Branch
from helpdesk.admin.models import Association
from helpdesk.admin.services import update_association
from helpdesk.extensions import db

PROFILE = {"name_ar": "جمعية البر الخيرية", "committee_window_days": "14",
           "phone": "011 234 5678", "whatsapp_number": "٠٥١٢٣٤٥٦٧٨",
           "address": "حي النسيم، شارع الأمير سعود", "postal_address": "ص.ب 1234 الرياض 11411"}


def _page(client, url: str = "/portal") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _tile(page: str, key: str) -> str:
    channels = page.split('data-testid="enabled-channels"', 1)[1]
    return channels.split(f'data-channel="{key}"', 1)[1].split("</li>", 1)[0]


def test_each_channel_tile_leads_to_the_way_the_association_set(client, make_user):
    update_association(PROFILE, make_user("admin"))
    db.session.add(Branch(code="north", name_ar="فرع الشمال", name_en="North", city="الرياض"))
    db.session.add(Branch(code="old", name_ar="فرع مغلق", name_en="Closed", active=False))
    db.session.commit()
    page = _page(client)
    assert 'href="tel:+966112345678"' in _tile(page, "phone")
    assert ">0112345678<" in _tile(page, "phone")
    assert 'href="https://wa.me/966512345678"' in _tile(page, "social")
    for key in ("interview", "branch_visits"):
        tile = _tile(page, key)
        assert "حي النسيم، شارع الأمير سعود" in tile and "فرع الشمال — الرياض" in tile
        assert "فرع مغلق" not in tile
    assert "ص.ب 1234 الرياض 11411" in _tile(page, "letters")
    assert 'href="/contact"' in _tile(page, "website")
    assert 'href="/volunteer"' in _tile(page, "volunteering")
    assert 'href="/apply"' in _tile(page, "help_requests")
    assert "لم نُعلن" not in page
    # The policy page lists the same tiles.
    assert 'href="tel:+966112345678"' in _tile(_page(client, "/policy"), "phone")


def test_a_channel_the_association_has_not_set_says_so_in_arabic_and_links_nowhere(client):
    page = _page(client)
    expected = {
        "phone": "لم نُعلن رقم الهاتف بعد. نرجو التواصل معنا عبر قناة أخرى.",
        "social": "لم نُعلن رقم واتساب بعد. نرجو التواصل معنا عبر قناة أخرى.",
        "interview": "لم نُعلن عنوان المقر بعد. نرجو الاتصال بنا أو مراسلتنا قبل الزيارة.",
        "branch_visits": "لم نُعلن عنوان المقر بعد. نرجو الاتصال بنا أو مراسلتنا قبل الزيارة.",
        "letters": "لم نُعلن العنوان البريدي بعد. نرجو التواصل معنا عبر قناة أخرى.",
    }
    for key, text in expected.items():
        tile = _tile(page, key)
        assert text in tile, key
        assert "<a " not in tile, key
    assert 'href="/apply"' in _tile(page, "help_requests")


def test_the_home_page_tells_a_request_for_help_from_a_message(client):
    actions = _page(client).split('data-testid="portal-actions"', 1)[1].split("</div>", 1)[0]
    support = actions.split('data-testid="apply-for-support"', 1)[1].split("</a>", 1)[0]
    message = actions.split('data-testid="write-to-us"', 1)[1].split("</a>", 1)[0]
    assert "طلب مساعدة (دعم)" in support and "لجنة البحث" in support
    assert "راسلنا" in message and "استفسار أو شكوى أو اقتراح" in message
    assert "portal-choice-support" in actions and "portal-choice-contact" in actions
    assert "تقديم طلب" not in actions


def test_the_association_form_keeps_saudi_numbers_in_e164(client, make_user, login):
    login(make_user("admin"))
    response = client.post("/admin/association", data=PROFILE)
    assert response.status_code == 302
    association = db.session.scalar(select(Association))
    assert association.phone == "+966112345678"
    assert association.whatsapp_number == "+966512345678"
    assert association.postal_address == "ص.ب 1234 الرياض 11411"


def test_bad_contact_numbers_come_back_with_arabic_messages_and_what_was_typed(
        client, make_user, login):
    login(make_user("admin"))
    typed = {**PROFILE, "phone": "+20 100 123 4567", "whatsapp_number": "0112345678",
             "postal_address": "ص.ب " + "١" * 600}
    response = client.post("/admin/association", data=typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="+20 100 123 4567"' in page and 'value="0112345678"' in page
    assert "أدخل رقم هاتف سعوديًا صحيحًا" in page
    assert "أدخل رقم جوال سعوديًا صحيحًا لواتساب" in page
    assert "العنوان طويل جدًا" in page
    assert db.session.scalar(select(Association)) is None
