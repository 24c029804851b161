"""DIMSE command sets: decoding pynetdicom's requests and encoding answers pynetdicom reads."""

import struct
from io import BytesIO

import pytest
from pydicom import Dataset
from pynetdicom.dsutils import decode, encode

from dicom_listener.dimse import (
    C_ECHO_RQ,
    C_ECHO_RSP,
    C_STORE_RQ,
    C_STORE_RSP,
    NO_DATASET,
    Command,
    MalformedCommand,
    Status,
    decode_command,
    echo_response,
    store_response,
)

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
VERIFICATION = "1.2.840.10008.1.1"
ODD_LENGTH_INSTANCE_UID = "1.2.826.0.1.3680043.8.498.123"
STORE_REQUEST = Command(C_STORE_RQ, 7, True, CT_IMAGE_STORAGE, ODD_LENGTH_INSTANCE_UID)


def _encoded(command_set: Dataset, *, with_group_length: bool) -> bytes:
    encoded = encode(command_set, True, True)
    assert encoded is not None
    if not with_group_length:
        return encoded
    command_set.CommandGroupLength = len(encoded)
    with_length = encode(command_set, True, True)
    assert with_length is not None
    return with_length


def _store_request_set() -> Dataset:
    command_set = Dataset()
    command_set.AffectedSOPClassUID = CT_IMAGE_STORAGE
    command_set.CommandField = C_STORE_RQ
    command_set.MessageID = 7
    command_set.Priority = 0
    command_set.CommandDataSetType = 0x0001
    command_set.AffectedSOPInstanceUID = ODD_LENGTH_INSTANCE_UID
    return command_set


def _decoded(encoded: bytes) -> Dataset:
    return decode(BytesIO(encoded), True, True)


def _element(element: int, value: bytes, *, group: int = 0) -> bytes:
    return struct.pack("<HHI", group, element, len(value)) + value


@pytest.mark.parametrize("with_group_length", [False, True])
def test_a_store_request_from_pynetdicom_decodes_with_unpadded_uids(
    with_group_length: bool,
) -> None:
    encoded = _encoded(_store_request_set(), with_group_length=with_group_length)
    assert len(ODD_LENGTH_INSTANCE_UID) % 2 == 1
    assert decode_command(encoded) == STORE_REQUEST


def test_an_echo_request_without_a_data_set_or_instance_decodes() -> None:
    command_set = Dataset()
    command_set.AffectedSOPClassUID = VERIFICATION
    command_set.CommandField = C_ECHO_RQ
    command_set.MessageID = 3
    command_set.CommandDataSetType = NO_DATASET

    command = decode_command(_encoded(command_set, with_group_length=True))

    assert command == Command(C_ECHO_RQ, 3, False, VERIFICATION, "")


def test_a_store_response_carries_what_pynetdicom_expects() -> None:
    encoded = store_response(STORE_REQUEST, Status(0x0000))
    response = _decoded(encoded)

    assert response.CommandGroupLength == len(encoded) - 12
    assert response.CommandField == C_STORE_RSP
    assert response.MessageIDBeingRespondedTo == 7
    assert response.CommandDataSetType == NO_DATASET
    assert response.Status == 0x0000
    assert response.AffectedSOPClassUID == CT_IMAGE_STORAGE
    assert response.AffectedSOPInstanceUID == ODD_LENGTH_INSTANCE_UID
    assert "ErrorComment" not in response


def test_a_failed_store_response_keeps_at_most_64_characters_of_comment() -> None:
    response = _decoded(store_response(STORE_REQUEST, Status(0xA700, "out of space " * 10)))

    assert response.Status == 0xA700
    assert response.ErrorComment == ("out of space " * 10)[:64].rstrip()


def test_an_odd_length_error_comment_is_padded_and_read_back_whole() -> None:
    response = _decoded(store_response(STORE_REQUEST, Status(0xC000, "bad")))

    assert response.ErrorComment == "bad"
    assert response.AffectedSOPInstanceUID == ODD_LENGTH_INSTANCE_UID


def test_an_echo_response_answers_the_message_without_an_instance() -> None:
    echo_request = Command(C_ECHO_RQ, 11, False, VERIFICATION, "")
    encoded = echo_response(echo_request)
    response = _decoded(encoded)

    assert response.CommandGroupLength == len(encoded) - 12
    assert response.CommandField == C_ECHO_RSP
    assert response.MessageIDBeingRespondedTo == 11
    assert response.Status == 0x0000
    assert response.AffectedSOPClassUID == VERIFICATION
    assert "AffectedSOPInstanceUID" not in response
    assert "ErrorComment" not in response


_VALID_FIELD = _element(0x0100, C_STORE_RQ.to_bytes(2, "little"))
_VALID_MESSAGE_ID = _element(0x0110, (1).to_bytes(2, "little"))
_VALID_DATASET_TYPE = _element(0x0800, (1).to_bytes(2, "little"))


@pytest.mark.parametrize(
    ("encoded", "reason"),
    [
        pytest.param(
            _VALID_FIELD + b"\x00\x00\x10\x01", "inside an element header", id="truncated-header"
        ),
        pytest.param(
            _VALID_FIELD + struct.pack("<HHI", 0, 0x0110, 4) + b"\x01\x00",
            r"\(0000,0110\)",
            id="length-past-end",
        ),
        pytest.param(
            _VALID_FIELD + _VALID_MESSAGE_ID + _element(0x0010, b"PATIENT^", group=0x0010),
            r"\(0010,0010\)",
            id="non-zero-group",
        ),
        pytest.param(
            _VALID_MESSAGE_ID + _VALID_DATASET_TYPE, r"\(0000,0100\)", id="missing-command-field"
        ),
        pytest.param(
            _element(0x0100, b"\x01\x00\x00\x00") + _VALID_MESSAGE_ID + _VALID_DATASET_TYPE,
            r"\(0000,0100\)",
            id="us-of-wrong-length",
        ),
    ],
)
def test_malformed_command_sets_are_rejected(encoded: bytes, reason: str) -> None:
    with pytest.raises(MalformedCommand, match=reason):
        decode_command(encoded)


def test_the_well_formed_elements_used_by_the_malformed_cases_decode() -> None:
    command = decode_command(_VALID_FIELD + _VALID_MESSAGE_ID + _VALID_DATASET_TYPE)
    assert command == Command(C_STORE_RQ, 1, True, "", "")
