"""Languages: the catalogue is complete, pages speak 简体中文, each user's choice sticks."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from tests.factories import ProjectFactory

import keel

pytestmark = pytest.mark.django_db

PACKAGE = Path(keel.__file__).resolve().parent
LOCALE = PACKAGE / "locale"
# Every catalogue: the main one, and each app's own (apps keep theirs beside their code).
CATALOGUES = sorted(PACKAGE.rglob("locale/zh_Hans/LC_MESSAGES/django.po"))

# English navigation and headings that must not survive on a Chinese page.
ENGLISH_LABELS = [
    "My projects",
    "Portfolio",
    "Sign out",
    "Methodology",
    "Health",
    "Overview",
    "Milestones",
    "Recent activity",
    "Progress",
    "Key dates",
]


def _entries(text):
    """(flags, msgid, msgstrs, msgctxt) for every entry of a .po file, header excluded."""
    entries = []
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        flags = " ".join(line for line in lines if line.startswith("#,"))
        body = "\n".join(line for line in lines if not line.startswith("#"))
        parts = re.split(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) ", body, flags=re.M)
        fields = {}
        for key, value in zip(parts[1::2], parts[2::2], strict=True):
            fields[key] = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', value))
        if fields.get("msgid"):
            strs = [v for k, v in fields.items() if k.startswith("msgstr")]
            entries.append((flags, fields["msgid"], strs, fields.get("msgctxt")))
    return entries


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_message_is_translated_and_none_is_fuzzy(po):
    """Each msgid of every 简体中文 catalogue has a translation, and none is marked fuzzy."""
    text = po.read_text(encoding="utf-8")
    entries = _entries(text)
    assert entries
    untranslated = [msgid for _flags, msgid, strs, _ctx in entries if not all(strs)]
    fuzzy = [msgid for flags, msgid, _strs, _ctx in entries if "fuzzy" in flags]
    assert untranslated == [], f"untranslated: {untranslated}"
    assert fuzzy == [], f"fuzzy: {fuzzy}"
    assert '#, fuzzy\nmsgid ""' not in text, "the header must not be fuzzy"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_compiled_catalogue_matches_the_po_file(po):
    """The committed django.mo returns the .po's translation for every message (no gettext
    needed at run time), so a .po edited without recompiling fails here."""
    assert po.with_suffix(".mo").exists()
    with translation.override("zh-hans"):
        for _flags, msgid, strs, context in _entries(po.read_text(encoding="utf-8")):
            if len(strs) == 1:
                expected = strs[0].replace('\\"', '"')
                plain = msgid.replace('\\"', '"')
                found = (
                    translation.pgettext(context, plain) if context else translation.gettext(plain)
                )
                assert found == expected, msgid


def _pages(client, project):
    return {
        "home": client.get("/"),
        "portfolio": client.get(reverse("keel-web:portfolio")),
        "overview": client.get(reverse("keel-web:project-overview", args=[project.key])),
    }


def test_pages_speak_chinese_for_a_chinese_browser(client, project):
    """With Accept-Language zh-CN every page shows Chinese labels and no English navigation."""
    # User data stays as typed; name the portfolio so it cannot pass for an English label.
    project.portfolio.name = "集团信息化"
    project.portfolio.save()
    client.force_login(project.manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    pages = _pages(client, project)
    for name, resp in pages.items():
        html = resp.content.decode()
        assert resp.status_code == 200, name
        assert '<html lang="zh-hans">' in html, name
        assert "项目" in html and "项目组合" in html and "退出登录" in html, name
        text = re.sub(r"<[^>]+>", " ", html)
        leftovers = [label for label in ENGLISH_LABELS if re.search(rf"\b{label}\b", text)]
        assert leftovers == [], f"{name}: {leftovers}"
    overview = pages["overview"].content.decode()
    assert "里程碑" in overview and "概览" in overview and "瀑布" in overview
    assert "项目经理" in pages["home"].content.decode()
    assert "健康度" in pages["portfolio"].content.decode()


def test_sign_in_page_follows_the_browser(client):
    """Anonymous visitors get the sign-in page in their browser's language."""
    html = client.get(reverse("keel-web:login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "登录" in html and "Sign in" not in re.sub(r"<[^>]+>", " ", html)
    html = client.get(reverse("keel-web:login"), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert "Sign in" in html


def test_users_saved_language_beats_the_browser(client, project):
    """A user who picked 简体中文 sees it even when the browser asks for English."""
    manager = project.manager
    client.force_login(manager)
    resp = client.post(
        reverse("keel-web:language-set"),
        {"language": "zh-hans", "next": "/portfolio/"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert resp.status_code == 302 and resp["Location"] == "/portfolio/"
    manager.refresh_from_db()
    assert manager.language == "zh-hans"
    html = client.get("/portfolio/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "项目组合" in html
    client.post(reverse("keel-web:logout"))
    signed_out = client.get(reverse("keel-web:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert "登录" in signed_out.content.decode(), "the browser keeps the choice after sign-out"
    client.force_login(manager)
    client.post(reverse("keel-web:language-set"), {"language": "en", "next": "/"})
    assert "My projects" in client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()


def test_unknown_language_is_refused_and_nothing_changes(client, project):
    """An unsupported language code leaves the saved choice as it was and says why."""
    manager = project.manager
    manager.language = "en"
    manager.save()
    client.force_login(manager)
    resp = client.post(
        reverse("keel-web:language-set"), {"language": "xx", "next": "/"}, follow=True
    )
    manager.refresh_from_db()
    assert manager.language == "en"
    assert "xx" in resp.content.decode() and "does not speak" in resp.content.decode()


def test_language_switch_refuses_foreign_redirects(client, project):
    """The switcher never redirects to another site."""
    client.force_login(project.manager)
    resp = client.post(
        reverse("keel-web:language-set"), {"language": "en", "next": "https://evil.example/"}
    )
    assert resp["Location"] == reverse("keel-web:home")


def test_anonymous_switcher_posts_to_set_language(client):
    """Signed-out pages offer the switcher through Django's set_language, which sets a cookie."""
    html = client.get(reverse("keel-web:login")).content.decode()
    assert 'action="/i18n/setlang/"' in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    assert "登录" in client.get(reverse("keel-web:login")).content.decode()


def test_dates_are_localised(client):
    """Dates follow the language: 'March 2, 2026' in English, '2026年3月2日' in Chinese."""
    import datetime as dt

    project = ProjectFactory(key="DATE", methodology="kanban", start_date=dt.date(2026, 3, 2))
    client.force_login(project.manager)
    url = reverse("keel-web:project-overview", args=["DATE"])
    assert "March 2, 2026" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2026年3月2日" in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
