from .assessments import EVIDENCE_MAX_LENGTH, Answer, Assessment, ThemeTarget
from .organisations import Membership, Organisation
from .question_banks import (
    COUNCIL_TYPE_VALUES,
    LEVELS,
    BankVersion,
    LevelDescriptor,
    Question,
    QuestionBank,
    Recommendation,
    Source,
    Theme,
)
from .users import User

__all__ = [
    "COUNCIL_TYPE_VALUES",
    "EVIDENCE_MAX_LENGTH",
    "LEVELS",
    "Answer",
    "Assessment",
    "BankVersion",
    "LevelDescriptor",
    "Membership",
    "Organisation",
    "Question",
    "QuestionBank",
    "Recommendation",
    "Source",
    "Theme",
    "ThemeTarget",
    "User",
]
