"""What is public, read once for the pages, the downloads and the open API alike.

Only published program years (``Publication``) exist here; anything else is ``None`` (a
404 upstream). Progress counts, for each month, only the areas whose capture of that month
is APPROVED (``PeriodReport.state == aprobado``): a capture in borrador, enviada, devuelta
or reopened does not count. Indicators come only from published MIRs, and a measurement
only when the capture that holds it (its area, the month its period closes) is approved.
Nothing here reads comments, justifications, evidence, users or audit data: the
queries select the public columns only. Each selector costs a constant number of queries
whatever the size of the program.
"""

from .baseline import (
    ActivityOriginal,
    AdjustedRow,
    TargetCell,
    adjusted_row,
    public_originals,
)
from .comparison import (
    ComparedInstitution,
    ComparedMonth,
    comparison_years,
    public_comparison,
)
from .indicators import IndicatorPeriod, PublicIndicator, public_indicators
from .overview import MirChoice, ProgramChoice, publication_overview
from .progress import (
    ProgressArea,
    ProgressMonth,
    ProgressRow,
    PublicProgress,
    public_progress,
)
from .publications import (
    PublicInstitution,
    PublicMir,
    PublicProgram,
    public_institution,
    public_institutions,
    public_program,
    public_tree,
)

__all__ = [
    "ActivityOriginal",
    "AdjustedRow",
    "ComparedInstitution",
    "ComparedMonth",
    "IndicatorPeriod",
    "MirChoice",
    "ProgramChoice",
    "ProgressArea",
    "ProgressMonth",
    "ProgressRow",
    "PublicIndicator",
    "PublicInstitution",
    "PublicMir",
    "PublicProgram",
    "PublicProgress",
    "TargetCell",
    "adjusted_row",
    "comparison_years",
    "public_comparison",
    "public_indicators",
    "public_institution",
    "public_institutions",
    "public_originals",
    "public_program",
    "public_progress",
    "public_tree",
    "publication_overview",
]
