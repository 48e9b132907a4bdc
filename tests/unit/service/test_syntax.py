"""systemd command-line quoting: what is written is read back as the same argv."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from panel.service.syntax import (
    UnitSyntaxError,
    command_line,
    escape_value,
    quote_arg,
    split_command_line,
)

PRINTABLE = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\x7f"), max_size=40
)


EXECUTABLE = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\x7f\"'\\"),
    min_size=1,
    max_size=30,
).map(lambda name: "/" + name)


@given(EXECUTABLE, st.lists(PRINTABLE, max_size=6))
def test_any_printable_argv_survives_quoting(executable: str, args: list[str]) -> None:
    argv = [executable, *args]
    assert split_command_line(command_line(argv)) == argv


def test_the_executable_keeps_its_dollar_and_may_not_have_quotes() -> None:
    assert command_line(["/opt/a $b/run", "$x"]) == '"/opt/a $b/run" "$$x"'
    with pytest.raises(UnitSyntaxError, match="quote or a backslash"):
        command_line(['/opt/"a"/run'])


@pytest.mark.parametrize(
    ("arg", "written"),
    [
        ("/usr/bin/python3", "/usr/bin/python3"),
        ("--workspace", "--workspace"),
        ("/srv/my ws", '"/srv/my ws"'),
        ("50%", '"50%%"'),
        ("$HOME", '"$$HOME"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("a\\b", '"a\\\\b"'),
        ("", '""'),
        (";", '";"'),
    ],
)
def test_special_characters_are_quoted_the_systemd_way(arg: str, written: str) -> None:
    assert quote_arg(arg) == written


def test_control_characters_are_refused_with_a_sentence() -> None:
    with pytest.raises(UnitSyntaxError, match="control character"):
        quote_arg("/srv/a\nb")


def test_a_description_escapes_specifiers_only() -> None:
    assert escape_value("OpsPanel on /srv/100% ws") == "OpsPanel on /srv/100%% ws"


def test_unquoted_words_and_single_quotes_are_read_too() -> None:
    line = "/bin/echo 'a b' c\\sd  \"e\"f"
    assert split_command_line(line) == ["/bin/echo", "a b", "c d", "ef"]


@pytest.mark.parametrize("line", ['/bin/echo "open', "/bin/echo %n", "/bin/echo $HOME"])
def test_what_systemd_would_change_is_not_guessed(line: str) -> None:
    with pytest.raises(UnitSyntaxError):
        split_command_line(line)
