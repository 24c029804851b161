"""The benchmark's data, generated once and cached under bench/out/data."""

from pathlib import Path

from dicom_listener.samples import (
    AX,
    CERVICAL_SPINE_MR,
    SeriesSpec,
    StudySpec,
    study_datasets,
    write_datasets,
)

OUT = Path(__file__).parent / "out"
DATA = OUT / "data"

# 2,000 instances of 256x256 16-bit MR: ten series of 200 slices.
MR_2000 = StudySpec(
    "MR",
    "MRI BRAIN BENCHMARK",
    "HEAD",
    tuple(
        SeriesSpec(f"AX T2 {number}", AX, 200, CERVICAL_SPINE_MR.series[3].tags)
        for number in range(10)
    ),
)
# One 6-series 512x512 cervical spine MR study: the demo study plus an axial T1.
CSPINE_512 = StudySpec(
    "MR",
    CERVICAL_SPINE_MR.description,
    CERVICAL_SPINE_MR.body_part,
    (*CERVICAL_SPINE_MR.series, SeriesSpec("AX T1 TSE", AX, 24, CERVICAL_SPINE_MR.series[0].tags)),
    CERVICAL_SPINE_MR.tags,
)
# One series of 500 slices of 256x256 MR, for WADO-RS retrieve.
MR_500 = StudySpec(
    "MR", "MRI BRAIN RETRIEVE", "HEAD", (SeriesSpec("AX T2 500", AX, 500, MR_2000.series[0].tags),)
)
DATASETS = {
    "mr-2000-256": (MR_2000, 256),
    "mr-500-256": (MR_500, 256),
    "cspine-6-series-512": (CSPINE_512, 512),
}


def dataset_files(name: str) -> list[Path]:
    """The files of a named dataset, generating them on first use."""
    folder = DATA / name
    done = folder / ".complete"
    if not done.exists():
        spec, matrix = DATASETS[name]
        for stale in folder.glob("*.dcm"):
            stale.unlink()
        write_datasets(study_datasets(spec, matrix=matrix), folder)
        done.touch()
    return sorted(folder.glob("*.dcm"))
