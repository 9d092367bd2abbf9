"""Coded values of member records, facilities and the catalogue, with the Chinese words that mean them.

Each enum's value is the English code stored in the database; records may also be written with the
Chinese term used in the domain notes (``"退休"`` for ``retired``), which is read as the same code.
"""

from __future__ import annotations

from enum import Enum


class Coded(str, Enum):
    """A string enum that also accepts the aliases listed in :data:`ALIASES`."""

    @classmethod
    def _missing_(cls, value: object) -> Coded | None:
        if isinstance(value, str):
            code = ALIASES.get(cls, {}).get(value.strip())
            if code is not None:
                return cls(code)
        return None

    def __str__(self) -> str:
        return self.value


class Gender(Coded):
    M = "M"
    F = "F"


class Scheme(Coded):
    EMPLOYEE = "employee"
    RESIDENT = "resident"
    URBAN_RESIDENT = "urban_resident"
    NRCMS = "nrcms"


class MemberCategory(Coded):
    EMPLOYED = "employed"
    RETIRED = "retired"
    FLEXIBLE = "flexible"
    UNEMPLOYED = "unemployed"
    STUDENT = "student"
    CHILD = "child"
    NEWBORN = "newborn"
    GENERAL_RESIDENT = "general_resident"
    VILLAGE_DOCTOR = "village_doctor"
    MIGRANT_WORKER = "migrant_worker"
    OUTBOUND_WORKER = "outbound_worker"


class HukouType(Coded):
    AGRICULTURAL = "agricultural"
    NON_AGRICULTURAL = "non_agricultural"
    UNIFIED = "unified"


class EnrollmentStatus(Coded):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"
    NONE = "none"


class TerminatedReason(Coded):
    DEATH = "death"
    EMIGRATION = "emigration"
    TRANSFER_OUT = "transfer_out"
    OTHER = "other"


class CardStatus(Coded):
    ACTIVE = "active"
    NOT_ACTIVATED = "not_activated"
    REPORTED_LOST = "reported_lost"
    REPLACED = "replaced"
    CANCELLED = "cancelled"


class CardType(Coded):
    SOCIAL_SECURITY_CARD = "social_security_card"
    E_VOUCHER = "e_voucher"
    NRCMS_CARD = "nrcms_card"


class CertCategory(Coded):
    ORDINARY = "ordinary"
    SEVERE = "severe"
    SPECIAL = "special"
    TWO_DISEASES = "two_diseases"


class CertStatus(Coded):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    REVOKED = "revoked"


class FilingType(Coded):
    RESETTLED = "resettled"
    LONG_TERM_RESIDENCE = "long_term_residence"
    POSTED_WORKER = "posted_worker"
    REFERRAL = "referral"
    TEMPORARY = "temporary"


class FilingStatus(Coded):
    ACTIVE = "active"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class ServiceScope(Coded):
    """A kind of service a facility is designated or networked for, or a filing covers."""

    INPATIENT = "inpatient"
    OUTPATIENT = "outpatient"
    CHRONIC = "chronic"
    PHARMACY = "pharmacy"


class ApprovalLevel(Coded):
    HOSPITAL = "hospital"
    AGENCY = "agency"


class SanctionType(Coded):
    SETTLEMENT_SUSPENDED = "settlement_suspended"
    FROZEN = "frozen"


class AppealStatus(Coded):
    NONE = "none"
    PENDING = "pending"
    DECIDED = "decided"


class AssistanceCategory(Coded):
    NONE = "none"
    MINIMUM_LIVING = "minimum_living"
    EXTREME_POVERTY = "extreme_poverty"
    REGISTERED_POOR = "registered_poor"
    FIVE_GUARANTEES = "five_guarantees"
    ENTITLED_GROUP = "entitled_group"
    DISABLED = "disabled"


class SupplementaryType(Coded):
    LARGE_AMOUNT = "large_amount"
    HIGH_AMOUNT = "high_amount"
    SUPPLEMENTARY = "supplementary"
    CATASTROPHIC = "catastrophic"


class LtcStatus(Coded):
    NONE = "none"
    PENDING = "pending"
    QUALIFIED = "qualified"
    NOT_QUALIFIED = "not_qualified"


class FacilityType(Coded):
    HOSPITAL = "hospital"
    CLINIC = "clinic"
    VILLAGE_CLINIC = "village_clinic"
    PHARMACY = "pharmacy"


class AgreementStatus(Coded):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class CatalogCategory(Coded):
    A = "A"
    B = "B"
    SELF_PAY = "self_pay"
    NON_MEDICAL = "non_medical"


class ItemType(Coded):
    DRUG = "drug"
    SERVICE = "service"
    SPECIAL_EXAM = "special_exam"
    SPECIAL_TREATMENT = "special_treatment"
    HIGH_VALUE_DRUG = "high_value_drug"
    CONSUMABLE = "consumable"
    GOODS = "goods"


class BenefitType(Coded):
    INPATIENT = "inpatient"
    OUTPATIENT_GENERAL = "outpatient_general"
    CHRONIC_OUTPATIENT = "chronic_outpatient"
    PHARMACY_PERSONAL_ACCOUNT = "pharmacy_personal_account"
    SPECIAL_ITEM = "special_item"
    MATERNITY = "maternity"
    LONG_TERM_CARE = "long_term_care"
    CATASTROPHIC = "catastrophic"
    SUPPLEMENTARY = "supplementary"


class Verdict(Coded):
    ELIGIBLE = "ELIGIBLE"
    CONDITIONAL = "CONDITIONAL"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    NEEDS_HUMAN_REVIEW = "NEEDS_HUMAN_REVIEW"


#: Chinese (and other) words accepted for each code, as written in shared/domain/eligibility_rules.md.
ALIASES: dict[type[Coded], dict[str, str]] = {
    Gender: {"男": "M", "女": "F", "m": "M", "f": "F"},
    Scheme: {"职工医保": "employee", "城乡居民医保": "resident", "城镇居民医保": "urban_resident", "新农合": "nrcms"},
    MemberCategory: {
        "在职": "employed", "退休": "retired", "灵活就业": "flexible", "领失业金": "unemployed",
        "学生": "student", "少儿": "child", "新生儿": "newborn", "一般居民": "general_resident",
        "村医": "village_doctor", "外出农民工": "migrant_worker", "外出就业创业人员": "outbound_worker",
    },
    HukouType: {"农业": "agricultural", "农业户口": "agricultural", "非农业": "non_agricultural",
                "非农业户口": "non_agricultural", "居民户口": "unified"},
    EnrollmentStatus: {"正常参保": "active", "暂停": "suspended", "已终止": "terminated", "未参保": "none"},
    CardStatus: {"正常": "active", "未激活": "not_activated", "挂失": "reported_lost", "换新": "replaced",
                 "注销": "cancelled"},
    TerminatedReason: {"死亡": "death", "移民退保": "emigration", "转出": "transfer_out", "其他": "other"},
    CardType: {"社保卡": "social_security_card", "医保电子凭证": "e_voucher", "合作医疗证": "nrcms_card"},
    CertCategory: {"普通慢病": "ordinary", "重症": "severe", "特殊病种": "special", "两病": "two_diseases"},
    FilingType: {"异地安置": "resettled", "异地长期居住": "long_term_residence", "常驻异地工作": "posted_worker",
                 "异地转诊": "referral", "临时外出": "temporary"},
    ServiceScope: {"住院": "inpatient", "普通门诊": "outpatient", "门诊": "outpatient", "门诊慢特病": "chronic",
                   "慢特病": "chronic", "药店": "pharmacy"},
    ApprovalLevel: {"医院医保办": "hospital", "经办机构": "agency"},
    SanctionType: {"暂停联网结算": "settlement_suspended", "冻结": "frozen"},
    AppealStatus: {"无": "none", "申诉中": "pending", "已结案": "decided"},
    AssistanceCategory: {"无": "none", "低保": "minimum_living", "特困": "extreme_poverty",
                         "建档立卡": "registered_poor", "五保": "five_guarantees", "优抚": "entitled_group",
                         "残疾": "disabled"},
    SupplementaryType: {"大额医疗": "large_amount", "高额补充": "high_amount", "补充保险": "supplementary",
                        "大病保险": "catastrophic"},
    LtcStatus: {"未评估": "none", "评估中": "pending", "评估达标": "qualified", "评估不达标": "not_qualified"},
    FacilityType: {"医院": "hospital", "诊所": "clinic", "门诊部": "clinic", "社区卫生服务中心": "clinic",
                   "村卫生室": "village_clinic", "药店": "pharmacy"},
    CatalogCategory: {"甲类": "A", "甲": "A", "乙类": "B", "乙": "B", "丙": "self_pay", "丙类": "self_pay",
                      "自费": "self_pay", "丙·自费": "self_pay", "非医疗用品": "non_medical"},
    ItemType: {"药品": "drug", "诊疗项目": "service", "特殊检查": "special_exam", "特殊治疗": "special_treatment",
               "高值药品": "high_value_drug", "医用耗材": "consumable", "生活用品": "goods"},
}


def label(value: Coded) -> str:
    """The Chinese word for a code (its first alias), or the code itself when it has none."""
    for alias, code in ALIASES.get(type(value), {}).items():
        if code == value.value:
            return alias
    return value.value
