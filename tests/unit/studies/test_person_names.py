"""A DICOM person name is shown as a reader writes it, the same on every page and answer."""

import pytest

from app.studies.person_names import NO_NAME, display_name


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("ROSSI", "ROSSI"),
        ("ROSSI^ANNA", "ROSSI, ANNA"),
        ("Rossi^Anna", "Rossi, Anna"),
        ("DOE^JOHN^Q", "DOE, JOHN Q"),
        ("DOE^JOHN^QUINCY^Dr.^Jr.", "DOE, Dr. JOHN QUINCY, Jr."),
        ("DOE^^^Dr.", "DOE, Dr."),
        ("DOE^JOHN^^^PhD", "DOE, JOHN, PhD"),
        ("^ANNA", "ANNA"),
        ("Anna Rossi", "Anna Rossi"),
    ],
)
def test_the_components_are_written_family_first(stored: str, shown: str) -> None:
    assert display_name(stored) == shown


def test_trailing_empty_components_leave_no_marks() -> None:
    assert display_name("ROSSI^ANNA^^^") == "ROSSI, ANNA"


def test_the_alphabetic_group_is_shown_when_there_is_one() -> None:
    assert display_name("Yamada^Tarou=山田^太郎=やまだ^たろう") == "Yamada, Tarou"


def test_without_an_alphabetic_group_the_ideographic_one_is_shown_in_its_own_order() -> None:
    assert display_name("=山田^太郎") == "山田 太郎"
    assert display_name("=山田^太郎=やまだ^たろう") == "山田 太郎"


def test_without_either_the_phonetic_group_is_shown() -> None:
    assert display_name("==やまだ^たろう") == "やまだ たろう"


@pytest.mark.parametrize("stored", [None, "", "   ", "^", "^^^^", "==", "^=^=^", " ^ = "])
def test_a_name_of_nothing_is_shown_as_no_name(stored: str | None) -> None:
    assert display_name(stored) == NO_NAME == "(no name)"


def test_spaces_around_and_inside_components_are_closed_up() -> None:
    assert display_name("  ROSSI ^ ANNA  MARIA ^ ") == "ROSSI, ANNA MARIA"
    assert display_name("DE  LA  CRUZ^ JUAN") == "DE LA CRUZ, JUAN"


def test_carets_past_the_fifth_component_stay_in_the_suffix_not_lost() -> None:
    assert display_name("DOE^JOHN^Q^Dr.^Jr.^III") == "DOE, Dr. JOHN Q, Jr.^III"
