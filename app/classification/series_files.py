"""Read the series headers of DICOM files and folders (header only, pixel data skipped)."""

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydicom import dcmread
from pydicom.errors import InvalidDicomError

from app.classification.series_geometry import InstanceGeometry
from app.classification.series_header import (
    SeriesHeader,
    header_from_dataset,
    instance_geometry,
    with_instances,
)
from app.classification.sop_classes import is_image_storage


@dataclasses.dataclass
class _SeriesSeen:
    header: SeriesHeader
    rank: tuple[bool, int]
    instances: list[InstanceGeometry]


def _rank(header: SeriesHeader, number: int) -> tuple[bool, int]:
    """Which instance speaks for its series: an image before an object without images (a
    Philips private object comes first in number), then the lowest instance number."""
    holds_images = not header.sop_class_uid or is_image_storage(header.sop_class_uid)
    return (not holds_images, number)


def read_series_headers(paths: Iterable[Path]) -> tuple[list[SeriesHeader], list[str]]:
    """One header per series (its lowest-numbered image, completed from all of its instances)
    and the files skipped, why."""
    seen: dict[str, _SeriesSeen] = {}
    skipped: list[str] = []
    for path in _files(paths):
        try:
            dataset = dcmread(path, stop_before_pixels=True)
        except (InvalidDicomError, OSError, ValueError) as error:
            skipped.append(f"{path}: not a readable DICOM file ({error})")
            continue
        header = header_from_dataset(dataset)
        if not header.series_instance_uid:
            skipped.append(f"{path}: no SeriesInstanceUID")
            continue
        _remember(seen, header, instance_geometry(dataset))
    headers = [with_instances(entry.header, entry.instances) for entry in seen.values()]
    return sorted(headers, key=lambda h: (h.series_number or 0, h.series_instance_uid)), skipped


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(child for child in path.rglob("*") if child.is_file())
        else:
            yield path


def _remember(seen: dict[str, _SeriesSeen], header: SeriesHeader, one: InstanceGeometry) -> None:
    rank = _rank(header, one.number or 0)
    entry = seen.get(header.series_instance_uid)
    if entry is None:
        seen[header.series_instance_uid] = _SeriesSeen(header, rank, [one])
        return
    entry.instances.append(one)
    if rank < entry.rank:
        entry.header, entry.rank = header, rank
