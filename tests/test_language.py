from django.conf import settings
from django.urls import reverse

from tests.conftest import World, client_for


def test_it_speaks_chinese_even_to_an_english_browser(world: World, leader):
    page = client_for(leader).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "工作台" in page.content.decode()
    assert page["Content-Language"] == "zh-hans"


def test_it_speaks_english_once_chosen(world: World, leader):
    client = client_for(leader)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert "Workbench" in page
    assert "工作台" not in page


def test_it_falls_back_to_chinese_for_an_unknown_language_cookie(world: World, leader):
    client = client_for(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert "工作台" in client.get(reverse("home")).content.decode()


def test_field_messages_follow_the_chosen_language(world: World, xiasha_dispatcher):
    client = client_for(xiasha_dispatcher)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(
        reverse("targets:new"), {"kind": "enterprise", "name": "x", "credit_code": "123"}
    ).content
    assert "18" in page.decode() and "统一社会信用代码应为" not in page.decode()


def test_the_english_catalogue_translates_every_string():
    from pathlib import Path

    po = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
    entries = po.read_text(encoding="utf-8").split("\n\n")[1:]  # the first block is the header
    untranslated = [e for e in entries if 'msgstr ""' in e and not e.rstrip().split("\n")[-1].startswith('"')]
    plural_gaps = [e for e in entries if 'msgstr[0] ""' in e or 'msgstr[1] ""' in e]
    assert not untranslated and not plural_gaps, untranslated + plural_gaps
    assert "#, fuzzy" not in po.read_text(encoding="utf-8")
