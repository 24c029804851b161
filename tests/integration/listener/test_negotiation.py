"""What a requester's proposals get: its own first known transfer syntax, and every storage SOP
class, private ones included, unless settings narrow them."""

import pytest
from pydicom.uid import (
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEGBaseline8Bit,
)
from pynetdicom import AE
from pynetdicom.association import Association
from pynetdicom.sop_class import (  # type: ignore[attr-defined]
    MRImageStorage,
    PatientRootQueryRetrieveInformationModelFind,
)

from app.settings import Settings
from dicom_listener.server import start_acceptor
from tests.support.network import free_port

PHILIPS_PRIVATE_MR = "1.3.46.670589.11.0.0.12.2"
UNKNOWN_SYNTAX = "1.2.826.0.1.3680043.9.9999.1"


def _associate(settings: Settings, *contexts: tuple[str, list[str]]) -> Association:
    ae = AE(ae_title="MODALITY")
    for abstract_syntax, transfer_syntaxes in contexts:
        ae.add_requested_context(abstract_syntax, transfer_syntaxes)
    assoc = ae.associate("127.0.0.1", settings.dicom_port, ae_title=settings.ae_title)
    assert assoc.is_established
    return assoc


def _results(assoc: Association) -> dict[str, tuple[int | None, str | None]]:
    """Per abstract syntax: the context's result and the transfer syntax accepted."""
    answers: dict[str, tuple[int | None, str | None]] = {
        str(cx.abstract_syntax): (cx.result, str(cx.transfer_syntax[0]))
        for cx in assoc.accepted_contexts
    }
    answers.update({str(cx.abstract_syntax): (cx.result, None) for cx in assoc.rejected_contexts})
    assoc.release()
    return answers


@pytest.mark.parametrize(
    ("proposed", "accepted"),
    [
        (
            [ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian],
            ExplicitVRBigEndian,
        ),
        ([ExplicitVRLittleEndian, ImplicitVRLittleEndian], ExplicitVRLittleEndian),
        ([ImplicitVRLittleEndian, ExplicitVRLittleEndian], ImplicitVRLittleEndian),
        ([JPEGBaseline8Bit, ExplicitVRLittleEndian], JPEGBaseline8Bit),
        ([UNKNOWN_SYNTAX, ExplicitVRLittleEndian], ExplicitVRLittleEndian),
    ],
    ids=[
        "big-explicit-implicit",
        "explicit-implicit",
        "implicit-explicit",
        "jpeg-first",
        "unknown-first",
    ],
)
def test_the_first_known_transfer_syntax_the_requester_proposes_is_accepted(
    proposed: list[str], accepted: str, listener: Settings
) -> None:
    assoc = _associate(listener, (MRImageStorage, proposed))

    assert _results(assoc) == {MRImageStorage: (0x00, accepted)}


def test_a_context_in_no_known_transfer_syntax_is_refused_as_such(listener: Settings) -> None:
    assoc = _associate(
        listener, (MRImageStorage, [ExplicitVRLittleEndian]), (PHILIPS_PRIVATE_MR, [UNKNOWN_SYNTAX])
    )

    assert _results(assoc)[PHILIPS_PRIVATE_MR] == (0x04, None)


def test_private_storage_classes_are_accepted_and_other_services_refused(
    listener: Settings,
) -> None:
    assoc = _associate(
        listener,
        (PHILIPS_PRIVATE_MR, [ExplicitVRLittleEndian]),
        (PatientRootQueryRetrieveInformationModelFind, [ExplicitVRLittleEndian]),
    )

    assert _results(assoc) == {
        PHILIPS_PRIVATE_MR: (0x00, ExplicitVRLittleEndian),
        PatientRootQueryRetrieveInformationModelFind: (0x03, None),
    }


def test_settings_narrow_the_accepted_sop_classes(listener_settings: Settings) -> None:
    narrowed = listener_settings.model_copy(
        update={"dicom_port": free_port(), "accepted_sop_classes": [MRImageStorage]}
    )
    server = start_acceptor(narrowed, str(narrowed.database_url))
    try:
        assoc = _associate(
            narrowed,
            (MRImageStorage, [ExplicitVRLittleEndian]),
            (PHILIPS_PRIVATE_MR, [ExplicitVRLittleEndian]),
        )
        results = _results(assoc)
    finally:
        server.shutdown()

    assert results == {
        MRImageStorage: (0x00, ExplicitVRLittleEndian),
        PHILIPS_PRIVATE_MR: (0x03, None),
    }
