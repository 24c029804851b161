from app.studies.records import IdentifiedInstance, InstanceFacts, SeriesHeaderUpdate, SeriesKey
from dicom_listener.known_series import KnownSeries, TouchSchedule

AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
SAGITTAL = (0.0, 1.0, 0.0, 0.0, 0.0, -1.0)


def make_identified(
    number: int = 1,
    orientation: tuple[float, ...] | None = None,
    position: tuple[float, ...] | None = None,
    image_type: tuple[str, ...] = (),
    sop_class_uid: str = "1.2.840.10008.5.1.4.1.1.4",
) -> IdentifiedInstance:
    instance = InstanceFacts(f"1.2.{number}", sop_class_uid, "1.2.840.10008.1.2.1", number)
    return IdentifiedInstance("1", "2", instance, orientation, position, image_type)


def test_known_series_forgets_the_oldest_beyond_capacity() -> None:
    known = KnownSeries(capacity=2)
    for number in range(3):
        known.remember(("1", str(number)), SeriesKey(1, number), make_identified())
    assert known.get(("1", "0")) is None
    assert known.get(("1", "2")) == SeriesKey(1, 2)


def test_known_series_counts_new_orientations() -> None:
    known = KnownSeries()
    known.remember(("1", "2"), SeriesKey(1, 2), make_identified(orientation=AXIAL))
    noted = [
        known.note_instance(("1", "2"), make_identified(orientation=plane))
        for plane in (AXIAL, SAGITTAL)
    ]
    assert noted == [None, SeriesHeaderUpdate(distinct_orientations=2)]


def test_known_series_notes_a_first_orientation_new_image_types_and_a_smaller_step() -> None:
    known = KnownSeries()
    known.remember(("1", "2"), SeriesKey(1, 2), make_identified(image_type=("ORIGINAL", "M")))
    later = make_identified(
        number=3, orientation=AXIAL, position=(0.0, 0.0, 0.0), image_type=("ORIGINAL", "P")
    )
    next_slice = make_identified(number=4, orientation=AXIAL, position=(0.0, 0.0, 1.2))

    assert known.note_instance(("1", "2"), later) == SeriesHeaderUpdate(
        orientation=AXIAL, image_type=("P",)
    )
    assert known.note_instance(("1", "2"), next_slice) == SeriesHeaderUpdate(partition_step=1.2)
    assert known.note_instance(("1", "2"), next_slice) is None


def test_the_first_image_after_an_object_without_images_is_to_give_its_header() -> None:
    known = KnownSeries()
    private = make_identified(number=0, sop_class_uid="1.3.46.670589.11.0.0.12.2")
    known.remember(("1", "2"), SeriesKey(1, 2), private, {"modality": "MR"})

    first_image = known.note_instance(("1", "2"), make_identified(number=21))
    second_image = known.note_instance(("1", "2"), make_identified(number=22))

    assert first_image == SeriesHeaderUpdate(first_image=True)
    assert second_image is None


def _step_noted(header: dict[str, object]) -> float | None:
    known = KnownSeries()
    first = make_identified(number=1, orientation=AXIAL, position=(0.0, 0.0, 0.0))
    known.remember(("1", "2"), SeriesKey(1, 2), first, header)
    update = known.note_instance(
        ("1", "2"), make_identified(number=2, orientation=AXIAL, position=(0.0, 0.0, 0.9))
    )
    return update.partition_step if update else None


def test_positions_are_placed_only_when_they_can_decide_the_plane() -> None:
    assert _step_noted({"mr_acquisition_type": "3D"}) == 0.9
    assert _step_noted({"mr_acquisition_type": "3D", "slice_thickness": 1.0}) is None
    assert _step_noted({"mr_acquisition_type": "2D"}) is None


def test_a_study_is_touched_once_per_interval() -> None:
    touches = TouchSchedule(interval=3600)
    assert [touches.due(7), touches.due(7), touches.due(8)] == [True, False, True]
