"""The Native DICOM Model of PS3.19 §A.1: a DICOM JSON data set (PS3.18 §F.2) as XML, for the
clients that ask for `application/dicom+xml`."""

from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from pydicom.datadict import keyword_for_tag

NATIVE_DICOM_MODEL = "http://dicom.nema.org/PS3.19/models/NativeDICOM"


def native_xml(dataset: dict[str, Any]) -> bytes:
    """The data set as a `NativeDicomModel` document, UTF-8 with its declaration."""
    root = Element("NativeDicomModel", xmlns=NATIVE_DICOM_MODEL)
    _add_attributes(root, dataset)
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _add_attributes(parent: Element, dataset: dict[str, Any]) -> None:
    for tag in sorted(dataset):
        element = dataset[tag]
        attribute = SubElement(parent, "DicomAttribute", {"tag": tag, "vr": element["vr"]})
        keyword = keyword_for_tag(int(tag, 16))
        if keyword:
            attribute.set("keyword", keyword)
        for number, value in enumerate(element.get("Value", []), start=1):
            if element["vr"] == "SQ":
                _add_attributes(SubElement(attribute, "Item", number=str(number)), value)
            else:
                SubElement(attribute, "Value", number=str(number)).text = str(value)
