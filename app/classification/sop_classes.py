"""Which SOP classes hold images a series can be classified from."""

from pydicom.uid import UID


def is_image_storage(sop_class_uid: str) -> bool:
    """A standard image storage class (MR, enhanced CT, secondary capture, X-ray...).

    Reports, presentation states, raw data and vendors' private classes are not: their headers
    say nothing reliable about a sequence or a plane.
    """
    return "Image Storage" in UID(sop_class_uid).name
