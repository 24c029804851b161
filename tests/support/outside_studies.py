"""A study from an outside clinic, with a patient a test can recognise on the page."""

from collections.abc import Iterator

from pydicom import Dataset

from dicom_listener.samples import KNEE_MR, study_datasets


def clinic_knee_mr() -> Iterator[Dataset]:
    """A knee MR of ROSSI^ANNA, id CLIN-4471 issued by LAKESIDE CLINIC, of 2026-11-20."""
    return study_datasets(
        KNEE_MR,
        PatientName="ROSSI^ANNA",
        PatientID="CLIN-4471",
        IssuerOfPatientID="LAKESIDE CLINIC",
        StudyDate="20261120",
    )
