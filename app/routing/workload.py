"""How much reading a task is: the weight it adds to its reader's open workload."""

# Relative reading effort by modality, after typical RVU ratios; unknown modalities weigh 1.
MODALITY_WEIGHTS: dict[str, float] = {
    "MR": 2.0,
    "PT": 2.0,
    "CT": 1.5,
    "NM": 1.5,
    "MG": 1.0,
    "US": 1.0,
    "RF": 1.0,
    "XA": 1.0,
    "CR": 0.5,
    "DX": 0.5,
    "BMD": 0.5,
}


def workload_weight(modalities: list[str]) -> float:
    """The heaviest modality in the study sets its weight."""
    return max(
        (MODALITY_WEIGHTS.get(modality.upper(), 1.0) for modality in modalities), default=1.0
    )
