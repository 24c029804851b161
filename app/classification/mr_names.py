"""What MR series names say: vendor sequence names and technologist descriptions.

Every table is ordered: the first matching row wins, so specific rows come before general ones.
Labels are sequence types, or a family (``IR``, ``GRE``, ``SE``, ``EPI``, ``SSFP``) that the
physics rules turn into a sequence type.
"""

from app.classification.text import terms

# Matched against " sequencename pulsesequencename scanningtechnique " in lower case.
VENDOR_SEQUENCE_TERMS = terms(
    [
        ("OTHER", r"svs|csi|\bprobe|spectro", "a spectroscopy sequence"),
        ("OTHER", r"fm2d|field[ _]?map|b0[ _]?map|\bfmap", "a field-map sequence"),
        ("OTHER", r"\*?qfl|flow|\bpc2d|\bvenc", "a flow-quantification sequence"),
        ("OTHER", r"ep2d[ _]?bold|\bbold", "a BOLD functional sequence"),
        ("PERFUSION", r"tgse|pcasl|pasl|\basl|3dasl|easl", "an arterial spin labelling sequence"),
        ("PERFUSION", r"ep2d[ _]?perf|epi[ _]?perf|\bperf", "a perfusion sequence"),
        ("DWI", r"\*?ep_b|\*?re_b|ep2d[ _]?diff|\bdwi|diff|resolve", "a diffusion sequence"),
        ("SWI", r"swi|swan|fsbb|venobold|\bpsif", "a susceptibility-weighted sequence"),
        ("T2STAR_GRE", r"\*?me2d|\*?me3d|medic|merge|mffe|t2[ _]?ffe|t2\*", "a multi-echo T2* GRE"),
        ("MRA", r"fl3d1r|fl2d1r|\btof|inhance|3dtof|2dtof|\bpca\b", "a time-of-flight angiogram"),
        (
            "IR",
            r"\*?tir|\birfse|fsepr?[ _]?ir|\bfsir|\bstir|\bflair|t1flair|\btir\b|\bir\b",
            "an IR",
        ),
        ("T1", r"tfl3d|mprage|bravo|mp2rage|ir[ _]?fspgr|t1[ _]?tfe|\btfe", "an MP-RAGE type T1"),
        (
            "SSFP",
            r"fi3d|ci3d|\*?tfi|fiesta|b[ _]?ffe|true[ _]?fisp|ciss|\*?fi2d",
            "a balanced SSFP",
        ),
        ("T2", r"\*?h2d|haste|ssfse|\bfase|single[ _]?shot", "a single-shot T2"),
        ("EPI", r"epse", "a spin-echo EPI"),
        ("SE", r"spc|space|cube|vista|tse|fse|turbo|\brare|\*?se2d|\*?se3d|^[ _]?\*?se\b", "a SE"),
        ("EPI", r"epfid|fe[ _]?epi|feepi|\bepi", "a gradient-echo EPI"),
        ("GRE", r"fl2d|fl3d|fgre|spgr|flash|\bgre|ffe|vibe|lava|thrive|fe3d|fe2d|\*?fl\d", "GRE"),
    ]
)

# Series-level kinds that a description can name; checked before plain weightings.
DESCRIPTION_KIND_TERMS = terms(
    [
        (
            "LOCALIZER",
            r" (localizer|localiser|loc|scout|3 ?plane|tri ?pilot|aa ?head|aa ?scout)",
            "a localizer",
        ),
        ("LOCALIZER", r" (survey|pilot|tripilot|plan|planning) ", "a localizer"),
        (
            "OTHER",
            r"asset ?cal|sense ?ref|coil ?(survey|cal)|calibration|prescan|\bref ?scan|pure",
            "a calibration",
        ),
        (
            "OTHER",
            r"eadc|exp ?adc|exponential|\bfa\b|colfa|col fa|\bmd map|\btrace ?fa",
            "a diffusion-derived map",
        ),
        ("OTHER", r"spectro|\bsvs|\bcsi|\bmrs\b", "spectroscopy"),
        ("OTHER", r"field ?map|b0 ?map|\bfmap", "a field map"),
        ("OTHER", r"\bbold|fmri|resting ?state|\btask\b|motor ?task", "a BOLD fMRI"),
        ("OTHER", r"\bflow|qflow|csf flow|\bvenc", "a flow study"),
        (
            "OTHER",
            r"fat ?only|\bdixon f\b|\bf\b dixon|\bfat\b(?! ?sat)(?! ?sup)",
            "a Dixon fat-only image",
        ),
        (
            "PERFUSION",
            r"perf|\bdsc|\bdce|\basl|pcasl|pasl|\bcbf|r?cbv|\bmtt|\bttp|tmax|ktrans|\bve\b",
            "perfusion",
        ),
        ("ADC", r"\badc|apparent diffusion", "an ADC map"),
        ("DWI", r"\bdwi|diff|\bdti|trace|\bb ?\d{3,4}\b|resolve|\bdw\b", "diffusion"),
        ("SWI", r"\bswi|swan|fsbb|min ?ip|\bpha\b|phase|susceptib|venobold|\bswip|\bsw ", "SWI"),
        ("MRV", r"\bmrv|veno(gram|graphy)|venous|\bpcv\b|sinus", "a venogram"),
        (
            "MRA",
            r"\bmra|\btof|angio|run ?off|carotid|circle of willis|\bcow\b|time of flight",
            "an angiogram",
        ),
    ]
)

# Plain weightings a description can name.
DESCRIPTION_WEIGHTING_TERMS = terms(
    [
        (
            "T1",
            r"t1 ?(flair|ir)\b|mprage|mp ?rage|bravo|mp2rage|\bt1\b|t1w|\bt1[a-z]|vibe|lava"
            r"|thrive|spgr|\bflash|\btfe|t1 ?ffe|in ?phase|opp|\bip\b|\bop\b",
            "T1",
        ),
        ("FLAIR", r"flair|dark ?fluid|tirm ?d", "FLAIR"),
        ("STIR", r"stir|tirm|\bt2 ?ir\b", "STIR"),
        (
            "T2STAR_GRE",
            r"t2 ?\*|t2 ?star|\bgre\b|medic|merge|hemo|\bt2 ?ffe|\bmfgre",
            "T2* gradient echo",
        ),
        ("PD", r"\bpd|proton density|\bdp\b|\bint(ermediate)?\b", "proton density"),
        (
            "T2",
            r"\bt2|t2w|haste|ssfse|fiesta|ciss|true ?fisp|b ?ffe|space|cube|vista|mrcp|drive",
            "T2",
        ),
    ]
)

FAT_SAT_WORDS = terms(
    [
        (
            "NO",
            r"\bn ?fs\b|\bno ?fs\b|non ?fs|wo ?fs|without fat|no fat ?sat|non ?fat ?sat",
            "no fat sat",
        ),
        (
            "YES",
            r"(t1|t2|pd|\b)fs\b|fat ?sat|fat ?sup|spair|\bspir\b|\bwe\b|water|\bdixon w\b"
            r"|\bideal w|\bfse\b fs|stir",
            "fat suppression",
        ),
    ]
)

PRE_CONTRAST_WORDS = terms(
    [
        (
            "PRE",
            r"\bpre\b|precontrast|pre ?gad|native|non ?con|noncontrast|\bwo\b|without contrast"
            r"|\bnc\b|\bplain\b|\bvnc\b|virtual non",
            "pre-contrast",
        )
    ]
)
POST_CONTRAST_WORDS = terms(
    [
        (
            "POST",
            r"\bpost|\bgad|\bgd\b|contrast|\bce\b|enhanc|\bdyn|dynamic|arthro|\bsub\b|subtract"
            r"|\bdelay|\bvibe ?c\b|mdc",
            "post-contrast",
        )
    ]
)
