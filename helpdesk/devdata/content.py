"""Sample content shared by the demo association and the bulk seed: names, IDs, phones, catalog.

Everything here is data or a pure generator driven by a caller-supplied ``random.Random``,
so the demo and the seed are reproducible. Channel texts are not here: each channel plugin
contributes its own through the ``helpdesk_demo_data`` hook.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from helpdesk.contacts.identifiers import luhn_valid

DEMO_PASSWORD = "sila-demo-2026"
DEMO_EMAIL_DOMAIN = "demo.sila.sa"
SAUDI_MOBILE_PREFIXES = ("50", "53", "54", "55", "56", "58", "59")  # all valid in libphonenumber

ASSOCIATION: dict[str, Any] = {
    "name_ar": "جمعية البر الخيرية بحي النسيم",
    "name_en": "Al-Birr Charitable Association in Al-Naseem",
    "registration_number": "1187",
    "city": "الرياض",
    "phone": "+966112345670",
    "email": "info@demo.sila.sa",
    # How the public reaches the association: the portal's channel tiles show these.
    "whatsapp_number": "+966512345670",
    "address": "حي النسيم، شارع الأمير سعود بن محمد، الرياض 14241",
    "postal_address": "ص.ب 1234، الرياض 11411",
    "committee_window_days": 14,
    "policy_board_meeting": "اجتماع مجلس الإدارة الثالث للدورة الحالية (المحضر رقم 3/1447)",
    # 20 Rabi' al-Akhir 1447 AH; the Hijri date is derived from this one, never re-typed.
    "policy_approved_on": date(2025, 10, 12),
    "policy_notes": (
        "اعتمد مجلس الإدارة سياسة تنظيم العلاقة مع المستفيدين، وتشمل قنوات التواصل الثماني، "
        "وآلية استقبال الطلبات والشكاوى والاقتراحات ومعالجتها، ومهلة لجنة البحث الاجتماعي "
        "للبت في الطلبات، وقياس رضا المستفيدين."
    ),
}

# (code, Arabic name, English name, city)
BRANCHES: tuple[tuple[str, str, str, str], ...] = (
    ("riyadh", "المقر الرئيسي – حي النسيم", "Head office – Al-Naseem", "الرياض"),
    ("kharj", "فرع الخرج", "Al-Kharj branch", "الخرج"),
    ("dawadmi", "فرع الدوادمي", "Al-Dawadmi branch", "الدوادمي"),
    ("majmaah", "فرع المجمعة", "Al-Majmaah branch", "المجمعة"),
)

# (key, Arabic name, English name)
TEAMS: tuple[tuple[str, str, str], ...] = (
    ("relations", "علاقات المستفيدين", "Beneficiary relations"),
    ("social_research", "البحث الاجتماعي", "Social research"),
    ("research_committee", "لجنة البحث الاجتماعي", "Research committee"),
    ("volunteering", "التطوع", "Volunteering"),
    ("branch_offices", "المكاتب الفرعية", "Branch offices"),
)

# (email local part, name, role, team keys, branch code). The first user of each role has the
# address <role>@demo.sila.sa; a few colleagues spread the work as in a real association.
STAFF: tuple[tuple[str, str, str, tuple[str, ...], str | None], ...] = (
    ("admin", "نورة بنت عبدالله العتيبي", "admin", (), "riyadh"),
    ("manager", "خالد بن عبدالرحمن الدوسري", "manager", ("research_committee",), "riyadh"),
    ("agent", "ريم بنت سعد الشهري", "agent", ("relations",), "riyadh"),
    ("agent2", "عبدالعزيز بن محمد الغامدي", "agent", ("relations",), "riyadh"),
    ("research_officer", "منيرة بنت فهد الحربي", "research_officer", ("social_research",),
     "riyadh"),
    ("research_officer2", "أمل بنت ناصر السبيعي", "research_officer", ("social_research",),
     "kharj"),
    ("committee_member", "د. فهد بن سليمان المطيري", "committee_member",
     ("research_committee",), "riyadh"),
    ("committee_member2", "سارة بنت علي القرني", "committee_member", ("research_committee",),
     "riyadh"),
    ("branch_rep", "سلطان بن مشعل الشمري", "branch_rep", ("branch_offices",), "kharj"),
    ("branch_rep2", "ماجد بن حمد العنزي", "branch_rep", ("branch_offices",), "dawadmi"),
    ("volunteer_coordinator", "هيفاء بنت خالد الزهراني", "volunteer_coordinator",
     ("volunteering",), "riyadh"),
)


def _field(name: str, type_: str, label_ar: str, label_en: str, required: bool = True,
           **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, "label_ar": label_ar, "label_en": label_en,
            "required": required, **extra}


def _option(value: str, label_ar: str, label_en: str) -> dict[str, str]:
    return {"value": value, "label_ar": label_ar, "label_en": label_en}


def _document(key: str, label_ar: str, label_en: str, required: bool = True) -> dict[str, Any]:
    return {"key": key, "label_ar": label_ar, "label_en": label_en, "required": required}


_INCOME = _field("monthly_income", "number", "إجمالي دخل الأسرة الشهري (ريال)",
                 "Total monthly family income (SAR)")
_FAMILY = _field("family_size", "integer", "عدد أفراد الأسرة", "Family size", min=1, max=30)
_ID_COPY = _document("national_id_copy", "صورة الهوية الوطنية أو الإقامة",
                     "Copy of the national ID or iqama")
_INCOME_PROOF = _document("income_proof", "إثبات الدخل (تعريف راتب أو مشهد الضمان الاجتماعي)",
                          "Proof of income (salary certificate or social security statement)")
_INCOME_RULE = {"type": "max_per_member", "field": "monthly_income", "per": "family_size",
                "value": 1500}

SERVICES: tuple[dict[str, Any], ...] = (
    {
        "key": "food_basket", "team": "social_research", "needs_committee": True,
        "decision_window_days": 7,
        "name_ar": "السلة الغذائية", "name_en": "Food basket",
        "description_ar": "سلة غذائية شهرية للأسر المسجلة وفق نتيجة الدراسة الاجتماعية.",
        "description_en": "A monthly food basket for registered families after the social study.",
        "fields": [_INCOME, _FAMILY,
                   _field("district", "text", "الحي", "District")],
        "documents": [_ID_COPY, _INCOME_PROOF,
                      _document("family_record", "صورة سجل الأسرة", "Copy of the family record")],
        "rules": [_INCOME_RULE],
    },
    {
        "key": "rent_support", "team": "social_research", "needs_committee": True,
        "decision_window_days": 14,
        "name_ar": "دعم الإيجار", "name_en": "Rent support",
        "description_ar": "المساهمة في سداد إيجار المسكن للأسر المتعثرة.",
        "description_en": "A contribution to the rent of families in arrears.",
        "fields": [_INCOME, _FAMILY,
                   _field("annual_rent", "number", "قيمة الإيجار السنوي (ريال)",
                          "Annual rent (SAR)"),
                   _field("months_in_arrears", "integer", "عدد الأشهر المتأخرة",
                          "Months in arrears", required=False)],
        "documents": [_ID_COPY, _INCOME_PROOF,
                      _document("lease_contract", "عقد الإيجار الموثق في منصة إيجار",
                                "Lease contract registered on the Ejar platform")],
        "rules": [_INCOME_RULE, {"type": "max", "field": "annual_rent", "value": 40000}],
    },
    {
        "key": "medical_support", "team": "social_research", "needs_committee": True,
        "decision_window_days": 10,
        "name_ar": "الدعم الطبي", "name_en": "Medical support",
        "description_ar": "المساعدة في تكاليف العلاج والأجهزة الطبية غير المشمولة بالتأمين.",
        "description_en": "Help with treatment and medical devices not covered by insurance.",
        "fields": [_INCOME, _FAMILY,
                   _field("diagnosis", "text", "التشخيص", "Diagnosis"),
                   _field("estimated_cost", "number", "التكلفة التقديرية (ريال)",
                          "Estimated cost (SAR)"),
                   _field("insured", "boolean", "هل لدى المريض تأمين طبي؟",
                          "Does the patient have medical insurance?")],
        "documents": [_ID_COPY,
                      _document("medical_report", "تقرير طبي حديث", "A recent medical report"),
                      _document("price_quote", "عرض سعر من الجهة المعالجة",
                                "A price quotation from the provider")],
        "rules": [_INCOME_RULE,
                  {"type": "max", "field": "estimated_cost", "value": 25000},
                  {"type": "equals", "field": "insured", "value": False}],
    },
    {
        "key": "legal_consultation", "team": "relations", "needs_committee": False,
        "decision_window_days": 7,
        "name_ar": "الاستشارة القانونية", "name_en": "Legal consultation",
        "description_ar": "استشارة مجانية مع محامٍ متطوع في قضايا الأسرة والإيجار والعمل.",
        "description_en": "A free consultation with a volunteer lawyer on family, rent and "
                          "labour matters.",
        "fields": [_field("case_type", "choice", "نوع القضية", "Type of case",
                          options=[_option("family", "أحوال شخصية", "Family"),
                                   _option("rent", "إيجار", "Rent"),
                                   _option("labour", "عمالية", "Labour"),
                                   _option("other", "أخرى", "Other")]),
                   _field("summary", "textarea", "ملخص القضية", "Summary of the case")],
        "documents": [_ID_COPY,
                      _document("case_documents", "المستندات المتعلقة بالقضية",
                                "Documents about the case", required=False)],
        "rules": [],
    },
    {
        "key": "training", "team": "volunteering", "needs_committee": False,
        "decision_window_days": 7,
        "name_ar": "التدريب والتأهيل", "name_en": "Training and qualification",
        "description_ar": "برامج تدريبية منتهية بالتوظيف لأبناء الأسر المستفيدة.",
        "description_en": "Training programmes leading to employment for members of "
                          "beneficiary families.",
        "fields": [_field("birth_date", "date", "تاريخ الميلاد", "Date of birth"),
                   _field("education_level", "choice", "المؤهل الدراسي", "Education level",
                          options=[_option("secondary", "ثانوي", "Secondary"),
                                   _option("diploma", "دبلوم", "Diploma"),
                                   _option("bachelor", "بكالوريوس", "Bachelor"),
                                   _option("other", "أخرى", "Other")]),
                   _field("programme", "text", "البرنامج المطلوب", "Requested programme")],
        "documents": [_ID_COPY,
                      _document("certificate", "صورة آخر مؤهل دراسي",
                                "Copy of the latest certificate")],
        "rules": [{"type": "between", "field": "birth_date", "min": 18, "max": 45}],
    },
)

MALE_NAMES = (
    "محمد", "عبدالله", "عبدالرحمن", "فهد", "خالد", "سعد", "ناصر", "فيصل", "تركي", "سلطان",
    "ماجد", "بندر", "عمر", "يوسف", "إبراهيم", "عبدالعزيز", "سلمان", "نايف", "مشعل", "حمد",
    "صالح", "علي", "أحمد", "منصور", "بدر", "راشد", "هشام", "وليد", "زياد", "طلال",
)
FEMALE_NAMES = (
    "نورة", "سارة", "فاطمة", "منيرة", "هيفاء", "ريم", "عائشة", "مريم", "لطيفة", "حصة",
    "الجوهرة", "أمل", "هند", "مها", "نوف", "العنود", "شهد", "غادة", "وفاء", "سلمى",
    "رهف", "جواهر", "لمى", "أسماء", "خلود", "دانة", "بشاير", "منى", "حنان", "لولوة",
)
FAMILY_NAMES = (
    "القحطاني", "العتيبي", "الدوسري", "الشهري", "الغامدي", "الزهراني", "الحربي", "المطيري",
    "الشمري", "العنزي", "السبيعي", "القرني", "السهلي", "الرشيدي", "الشهراني", "البقمي",
    "العمري", "المالكي", "الجهني", "الخالدي", "السلمي", "الأحمري", "البلوي", "الثبيتي",
    "اليامي", "الفيفي", "الحارثي", "الرويلي", "التميمي", "الخثعمي",
)
# Residents (iqama holders) carry names common among the association's non-Saudi families.
RESIDENT_FAMILY_NAMES = (
    "عبدالغني", "الحسيني", "إسماعيل", "عبدالرحيم", "النجار", "الخطيب", "حسين", "عثمان",
)
ORGANISATIONS = (
    "مؤسسة غيث الخير المانحة", "شركة نماء للتجارة – إدارة المسؤولية الاجتماعية",
    "مدرسة النسيم الابتدائية الأولى", "مركز الرعاية الصحية الأولية بالنسيم",
    "الجمعية التعاونية الاستهلاكية بحي النسيم", "مكتب الضمان الاجتماعي بشرق الرياض",
    "مركز حي النسيم", "مؤسسة بذل الوقفية", "شركة أثر للمقاولات",
    "نادي التطوع في جامعة أهلية بالرياض", "بنك الطعام الخيري بالرياض", "مستودع الأثاث الخيري",
)
VOLUNTEER_SKILLS = (
    "التصوير والتصميم", "التدريس وصعوبات التعلم", "الإسعافات الأولية", "إدارة الفعاليات",
    "المحاسبة", "البرمجة وصيانة الحاسب", "قيادة السيارات والتوصيل", "الإرشاد الأسري",
    "الترجمة", "التسويق عبر وسائل التواصل",
)


def national_id_from(first_digit: int, body: int) -> str:
    """A valid 10-digit ID: 1 (citizen) or 2 (resident), eight digits of ``body``, and the
    one check digit that passes the Luhn checksum the contacts' validation applies."""
    first_nine = f"{first_digit}{body % 100_000_000:08d}"
    return next(candidate for digit in "0123456789"
                if luhn_valid(candidate := first_nine + digit))


def random_national_id(rng: random.Random, resident: bool = False) -> str:
    return national_id_from(2 if resident else 1, rng.randrange(100_000_000))


def mobile_from(number: int) -> str:
    """An E.164 Saudi mobile number (+9665XXXXXXXX) derived from an integer."""
    prefix = SAUDI_MOBILE_PREFIXES[number % len(SAUDI_MOBILE_PREFIXES)]
    return f"+966{prefix}{(number // len(SAUDI_MOBILE_PREFIXES)) % 10_000_000:07d}"


def random_mobile(rng: random.Random) -> str:
    return mobile_from(rng.randrange(len(SAUDI_MOBILE_PREFIXES) * 10_000_000))


def random_person_name(rng: random.Random, *, female: bool | None = None,
                       resident: bool = False) -> str:
    if female is None:
        female = rng.random() < 0.5
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    father = rng.choice(MALE_NAMES)
    family = rng.choice(RESIDENT_FAMILY_NAMES if resident else FAMILY_NAMES)
    return f"{first} {father} {family}"

# What staff write along the procedure (not channel texts: those come from the plugins).
# "{number}" and "{date}" are filled in per ticket.
PROCESS_TEXTS = {
    "missing_information": "لمتابعة طلبكم {number} نحتاج إلى ما يلي:",
    "information_received": "أرفقت المستندات المطلوبة، وأرجو استكمال الطلب.",
    "working": "جارٍ التنسيق مع القسم المختص، وسيُبلَّغ صاحب الطلب بالنتيجة.",
    "referral_study": "نأمل إجراء الدراسة الاجتماعية والزيارة المنزلية للأسرة، وإفادتنا بمدى "
                      "انطباق شروط الخدمة عليها.",
    "referral_opinion": "نأمل إفادتنا برأيكم فيما ورد في الطلب قبل الرد على صاحبه.",
    "referral_answer": "اكتملت الدراسة الاجتماعية والزيارة المنزلية، وتنطبق على الأسرة شروط "
                       "الخدمة. أوصي برفع الطلب إلى لجنة البحث الاجتماعي.",
    "opinion_answer": "اطلعت على الطلب، ولا مانع من الرد عليه وفق السياسة المعتمدة.",
    "to_committee": "اكتمل ملف الطلب ويُرفع إلى اللجنة.",
    "status_update": "طلبكم {number} الآن لدى لجنة البحث الاجتماعي، ونتوقع صدور القرار بحلول "
                     "{date}.",
    "approved": "قررت اللجنة الموافقة على الطلب وفق الضوابط المعتمدة.",
    "approved_message": "يسعدنا إبلاغكم بموافقة لجنة البحث الاجتماعي على طلبكم {number}، "
                        "وسنتواصل معكم لاستكمال الخطوات التالية.",
    "rejected": "قررت اللجنة الاعتذار عن الطلب لتجاوز دخل الفرد الحد المعتمد في الخدمة.",
    "rejected_message": "بعد دراسة طلبكم {number} تعذّر على لجنة البحث الاجتماعي الموافقة عليه، "
                        "ويسعدنا تواصلكم معنا لمعرفة التفاصيل.",
    "volunteer_approved": "تتوافق مهارات المتطوع مع احتياج البرنامج القادم.",
    "volunteer_approved_message": "شكرًا لتطوعكم معنا، قُبل طلبكم {number} وسنتواصل معكم "
                                  "لترتيب الخطوات التالية.",
    "volunteer_rejected": "لا تتوفر حاليًا فرصة تطوعية تناسب المهارات المذكورة.",
    "volunteer_rejected_message": "نشكر اهتمامكم بالتطوع معنا، ونعتذر عن عدم إمكان قبول "
                                  "طلبكم {number} في الوقت الحالي.",
    "registration": "سُجِّل المستفيد في الخدمة، وحُدِّد موعد التسليم.",
    "delivered": "سُلِّمت الخدمة للمستفيد ووُقِّع محضر الاستلام.",
    "resolved_message": "عولج طلبكم، ونسعد بتواصلكم معنا في أي وقت.",
    "resolution_note": "أُجيب صاحب الطلب بما يلزم.",
    "delivered_note": "قُدِّمت الخدمة كاملة.",
    "not_eligible_note": "لا تنطبق على الطلب شروط الخدمة وفق قرار اللجنة.",
    "volunteer_note": "انضم المتطوع إلى فريق البرنامج.",
    "closing_message": "أُغلق طلبكم {number}، شكرًا لتواصلكم معنا.",
    "rating_invitation": "كيف كانت تجربتكم؟ يسعدنا تقييمكم لخدمتنا في الطلب {number} عبر بوابة "
                         "الجمعية؛ فرأيكم يساعدنا على خدمتكم بشكل أفضل.",
    "reopened_message": "ما زال الأمر قائمًا، وأرجو إعادة النظر في الطلب.",
    "reopen_reason": "عاد صاحب الطلب يفيد بأن الأمر ما زال قائمًا.",
    "cancelled": "أُلغي الطلب لعدم استكمال المستندات خلال المهلة المحددة.",
}

# What is asked for when a ticket has no service whose documents could be listed.
MISSING_ITEMS = ("صورة الهوية الوطنية أو الإقامة", "إثبات الدخل")

# What people write with their rating on the portal, by the number of stars.
RATING_COMMENTS: dict[int, tuple[str, ...]] = {
    5: ("شكرًا لكم على سرعة الاستجابة وحسن التعامل.", "خدمة ممتازة، جزاكم الله خيرًا.",
        "تعامل راقٍ ومتابعة مستمرة حتى انتهاء الطلب."),
    4: ("الخدمة جيدة، وأتمنى أن تكون المدة أقصر.", "شكرًا لكم، كان التواصل واضحًا."),
    3: ("الطلب أُنجز، لكن الانتظار كان طويلًا.",),
    2: ("احتجت إلى الاتصال أكثر من مرة لمعرفة حالة الطلب.",),
    1: ("لم أُبلَّغ بالنتيجة إلا بعد مراجعة الجمعية.",),
}
