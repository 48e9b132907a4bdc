"""The Korean translation: complete, compiled, and loaded by Qt."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "opspanel_ko.ts"
QM = TS.with_suffix(".qm")


def ts_messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    """(context, source) -> translation element of a .ts file."""
    found: dict[tuple[str, str], ET.Element] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            found[(name, message.findtext("source") or "")] = translation
    return found


def _text(translation: ET.Element) -> str:
    """The translated text, or the plural forms' text for a %n message."""
    forms = [form.text or "" for form in translation.iter("numerusform")]
    return "".join(forms) if forms else translation.text or ""


def test_every_string_has_a_finished_korean_translation() -> None:
    messages = ts_messages(TS)
    assert len(messages) > 100
    unfinished = [
        source
        for (_, source), tr in messages.items()
        if tr.get("type") in ("unfinished", "vanished", "obsolete") or not _text(tr).strip()
    ]
    assert unfinished == []


def test_no_user_visible_string_is_missing_from_the_translation(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    forms = ROOT / "panel" / "views" / "forms"  # compiled from ui/*.ui: read the forms
    sources = sorted(str(p) for p in (ROOT / "panel").rglob("*.py") if forms not in p.parents)
    sources += sorted(str(p) for p in (ROOT / "ui").glob("*.ui"))
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run([str(lupdate), *sources, "-ts", str(fresh)], check=True, capture_output=True)
    missing = sorted(set(ts_messages(fresh)) - set(ts_messages(TS)))
    assert missing == [], "run `make translations-update` and translate the new strings"


def test_compiled_translation_is_loaded(qapp: QCoreApplication) -> None:
    translator = QTranslator()
    assert translator.load(QLocale("ko_KR"), "opspanel", "_", str(QM.parent)), f"{QM} is missing"
    assert translator.translate("ServerView", "Stop the server?") == "서버를 중지할까요?"
    assert translator.translate("jobstate", "Timed out") == "시간 초과"
    assert translator.translate("SessionsView", "%n session(s) open", None, 3) == "열린 세션 %n개"


def test_korean_brings_qts_own_buttons_along(
    qapp: QCoreApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    from panel.app import _install_translator

    monkeypatch.setenv("OPSPANEL_LANG", "ko_KR")
    before = set(qapp.findChildren(QTranslator))
    _install_translator(qapp)
    added = [t for t in qapp.findChildren(QTranslator) if t not in before]
    try:
        assert len(added) == 2
        assert QCoreApplication.translate("SessionsView", "New session") == "새 세션"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "취소"
    finally:
        for translator in added:
            qapp.removeTranslator(translator)
            translator.deleteLater()
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


@pytest.mark.parametrize("language", ["en_US", "de_DE"])
def test_english_and_untranslated_languages_read_plurals_in_english(
    qapp: QCoreApplication, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    from panel.app import _install_translator

    monkeypatch.setenv("OPSPANEL_LANG", language)
    before = set(qapp.findChildren(QTranslator))
    _install_translator(qapp)
    added = [t for t in qapp.findChildren(QTranslator) if t not in before]
    try:
        assert QCoreApplication.translate("SessionsView", "%n session(s) open", None, 1) == (
            "1 session open"
        )
        assert QCoreApplication.translate("SessionsView", "%n session(s) open", None, 0) == (
            "0 sessions open"
        )
        text = QCoreApplication.translate("JobsFileBar", "%n job(s) imported %1", None, 3)
        assert text == "3 jobs imported %1"
    finally:
        for translator in added:
            qapp.removeTranslator(translator)
            translator.deleteLater()


def test_every_plural_has_its_english_forms() -> None:
    english = ts_messages(TS.with_name("opspanel_en.ts"))
    plurals = {key for key, tr in ts_messages(TS).items() if list(tr.iter("numerusform"))}
    assert plurals and plurals <= set(english)
    empty = [s for (_, s), tr in english.items() if not all(f.text for f in tr.iter("numerusform"))]
    assert empty == []
