"""The causes of the misses on real scanner headers, each on a header built to show it."""

from pathlib import Path

from pydicom import Dataset
from pydicom.uid import UID

from app.classification.sequence import classify_series
from app.classification.series_files import read_series_headers
from app.classification.series_geometry import InstanceGeometry, partition_step
from app.classification.series_header import header_from_dataset, with_instances
from tests.unit.classification.factories import (
    AXIAL,
    MR_IMAGE_STORAGE,
    SAGITTAL,
    make_dataset,
    make_header,
)

PHILIPS_PRIVATE_MR = UID("1.3.46.670589.11.0.0.12.2")
EPI_SE = {"scanning_sequence": ("EP",), "repetition_time": 6100.0, "echo_time": 60.0}


def test_tensor_in_a_diffusion_acquisition_name_is_dwi() -> None:
    header = make_header(series_description="Ax DWI TENSOR R2", sequence_name="", **EPI_SE)

    assert classify_series(header).sequence == "DWI"


def test_save_by_slice_in_a_diffusion_name_is_not_a_screen_save() -> None:
    header = make_header(
        series_description="dti_tra_dir16_PA_rot_SaveBySlc", sequence_name="epi_dti", **EPI_SE
    )

    assert classify_series(header).sequence == "DWI"


def test_spin_echo_epi_without_diffusion_is_a_field_map_not_dwi() -> None:
    header = make_header(series_description="EPI_AP", sequence_name="epse2d1_90", **EPI_SE)

    assert classify_series(header).sequence == "OTHER"


def test_phase_map_on_a_later_instance_makes_a_dual_echo_gre_a_field_map() -> None:
    first = make_header(
        scanning_sequence=("GR",),
        sequence_name="",
        echo_time=7.0,
        repetition_time=30.0,
        image_type=("ORIGINAL", "PRIMARY", "M_FFE", "M", "FFE"),
    )
    later = InstanceGeometry(3, AXIAL, (0.0, 0.0, 58.0), ("ORIGINAL", "PRIMARY", "PHASE MAP"))

    assert classify_series(first).sequence == "T1"
    assert classify_series(with_instances(first, [later])).sequence == "OTHER"


def test_field_map_frame_type_makes_a_short_te_gre_a_field_map() -> None:
    header = make_header(
        scanning_sequence=("GR",),
        sequence_name="",
        echo_time=1.5,
        repetition_time=10.0,
        image_type=("ORIGINAL", "PRIMARY", "T1", "MIXED", "FIELD_MAP"),
    )

    assert classify_series(header).sequence == "OTHER"


def test_orientation_comes_from_any_instance_when_the_first_has_none() -> None:
    first = make_header(image_orientation_patient=None, series_description="DTI_Biobank")
    later = InstanceGeometry(2, AXIAL, (0.0, 0.0, 10.0))

    assert classify_series(first).plane == "unknown"
    assert classify_series(with_instances(first, [later])).plane == "AX"


def test_partition_step_divides_the_distance_by_the_instances_between() -> None:
    sampled = [
        InstanceGeometry(1, AXIAL, (0.0, 0.0, 0.0)),
        InstanceGeometry(81, AXIAL, (0.0, 0.0, 80.0)),
        InstanceGeometry(160, AXIAL, (0.0, 0.0, 159.0)),
    ]

    assert partition_step(AXIAL, sampled) == 1.0


def test_3d_without_slice_thickness_is_3d_from_instance_positions() -> None:
    first = make_header(
        mr_acquisition_type="3D",
        slice_thickness=None,
        scanning_sequence=("GR", "IR"),
        sequence_name="*tfl3d1",
        image_position_patient=(0.0, 0.0, 0.0),
    )
    instances = [
        InstanceGeometry(1, AXIAL, (0.0, 0.0, 0.0)),
        InstanceGeometry(2, AXIAL, (0.0, 0.0, 0.9)),
    ]

    assert classify_series(first).plane == "AX"
    assert classify_series(with_instances(first, instances)).plane == "3D"


def test_spacing_between_slices_stands_in_for_slice_thickness() -> None:
    header = make_header(
        mr_acquisition_type="3D",
        slice_thickness=None,
        spacing_between_slices=1.0,
        scanning_sequence=("GR", "IR"),
        sequence_name="*tfl3d1",
    )

    assert classify_series(header).plane == "3D"


def test_3d_autoalign_scout_is_3d_and_its_reformats_have_their_display_plane() -> None:
    scout = make_header(
        series_description="AAHead_Scout",
        mr_acquisition_type="3D",
        slice_thickness=1.6,
        scanning_sequence=("GR",),
        sequence_name="*fl3d1_ns",
        image_orientation_patient=SAGITTAL,
    )
    reformat = make_header(
        series_description="AAHead_Scout_MPR_tra",
        mr_acquisition_type="3D",
        scanning_sequence=("GR",),
        sequence_name="*fl3d1_ns",
        distinct_orientations=2,
        image_type=("DERIVED", "PRIMARY", "MPR"),
        image_orientation_patient=AXIAL,
    )

    assert (classify_series(scout).sequence, classify_series(scout).plane) == ("LOCALIZER", "3D")
    assert classify_series(reformat).plane == "AX"


def test_tri_plane_2d_localizer_has_no_plane() -> None:
    header = make_header(series_description="3-Plane Loc", distinct_orientations=3)

    assert classify_series(header).plane == "unknown"


def test_ct_exam_summary_is_other_without_a_plane() -> None:
    header = make_header(
        modality="CT",
        series_description="Exam Summary",
        protocol_name="TRAUMA/PLAIN HEAD",
        image_type=("DERIVED", "SECONDARY", "REF_SURVIEW", "PATIENT_INFO", "RESULTS"),
        image_orientation_patient=SAGITTAL,
    )

    result = classify_series(header)

    assert (result.sequence, result.plane) == ("OTHER", "unknown")


def test_low_dose_ct_is_not_a_dose_report() -> None:
    header = make_header(modality="CT", series_description="LOW DOSE CHEST 1.25")

    assert classify_series(header).sequence == "CT_NONCONTRAST"


def test_a_private_object_numbered_first_does_not_speak_for_its_series(tmp_path: Path) -> None:
    private = make_dataset(SeriesDescription="DTI_Biobank_2mm_MB3S2_EPI")
    private.SOPClassUID = private.file_meta.MediaStorageSOPClassUID = PHILIPS_PRIVATE_MR
    image = make_dataset(
        SeriesDescription="DTI_Biobank_2mm_MB3S2_EPI",
        InstanceNumber=21,
        ScanningSequence="SE",
        DiffusionBValue=1000.0,
        ImageOrientationPatient=list(AXIAL),
    )
    for name, dataset in (("01.dcm", private), ("02.dcm", image)):
        dataset.save_as(tmp_path / name, enforce_file_format=True)

    (header,), skipped = read_series_headers([tmp_path])

    assert (skipped, header.sop_class_uid) == ([], MR_IMAGE_STORAGE)
    assert (classify_series(header).sequence, classify_series(header).plane) == ("DWI", "AX")


def test_an_enhanced_ct_perfusion_map_is_perfusion_with_its_coded_agent() -> None:
    agent = Dataset()
    agent.CodeValue, agent.CodingSchemeDesignator, agent.CodeMeaning = "C-B0322", "SRT", "Iohexol"
    dataset = make_dataset(
        Modality="CT",
        ImageType=["DERIVED", "PRIMARY", "PERFUSION", "RCBF"],
        ContrastBolusAgentSequence=[agent],
        ImageOrientationPatient=list(AXIAL),
    )

    result = classify_series(header_from_dataset(dataset))

    assert (result.sequence, result.contrast, result.plane) == ("PERFUSION", True, "AX")
