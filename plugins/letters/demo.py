"""Sample official letters for the demo association (the helpdesk_demo_data hook)."""

from helpdesk.plugin_api import hookimpl

SAMPLES = (
    {
        "kind": "support_request", "service": "food_basket", "contact_kind": "organisation",
        "organisation": "مكتب الضمان الاجتماعي بشرق الرياض",
        "subject": "خطاب إحالة أسرة لدراسة حالتها",
        "body": "يحيل مكتب الضمان الاجتماعي بشرق الرياض إليكم أسرة المواطنة المذكورة في الخطاب "
                "لدراسة حالتها وتقديم ما يمكن من مساعدة، مع الإحاطة بأن الأسرة مسجلة لدى المكتب.",
        "reply": "نفيدكم باستلام خطابكم، وقد أُحيلت الحالة إلى قسم البحث الاجتماعي.",
    },
    {
        "kind": "other", "contact_kind": "organisation",
        "organisation": "مدرسة النسيم الابتدائية الأولى",
        "subject": "احتياجات طلاب الأسر المستفيدة من الحقائب المدرسية",
        "body": "تفيد المدرسة بوجود عدد من الطلاب من الأسر المحتاجة بحاجة إلى حقائب وأدوات "
                "مدرسية مع بداية الفصل الدراسي، وتأمل التعاون.",
        "reply": "يسعدنا التعاون، وسيتواصل معكم فريق التطوع لتنسيق موعد التسليم.",
    },
    {
        "kind": "inquiry", "contact_kind": "organisation",
        "organisation": "مركز حي النسيم",
        "subject": "طلب إحصائية بأعداد المستفيدين لعام 1447هـ",
        "body": "يرجو المركز تزويده بإحصائية أعداد الأسر المستفيدة موزعة على الخدمات المقدمة "
                "لأغراض التقرير السنوي.",
        "reply": "مرفق لكم الإحصائية المطلوبة وفق آخر تحديث.",
    },
    {
        "kind": "appreciation", "contact_kind": "organisation",
        "organisation": "مركز حي النسيم",
        "subject": "خطاب شكر على المشاركة في فعالية اليوم الوطني",
        "body": "يتقدم المركز بالشكر للجمعية على مشاركتها المتميزة في فعالية اليوم الوطني.",
    },
    {
        "kind": "suggestion", "service": "training", "contact_kind": "organisation",
        "organisation": "شركة نماء للتجارة",
        "subject": "مقترح شراكة في برنامج التدريب المنتهي بالتوظيف",
        "body": "تقترح الشركة توقيع مذكرة تفاهم لتدريب عشرة من أبناء الأسر المستفيدة ثم "
                "توظيفهم في فروعها.",
        "reply": "نشكر لكم هذه المبادرة، وقد رُفع المقترح إلى مجلس الإدارة.",
    },
    {
        "kind": "complaint", "service": "rent_support", "contact_kind": "beneficiary",
        "subject": "تظلم من قرار رفض طلب دعم الإيجار",
        "body": "يتظلم المواطن من قرار رفض طلبه لدعم الإيجار، ويفيد بأن دخله انخفض بعد تقاعده، "
                "ويرفق ما يثبت ذلك.",
        "reply": "استلمنا تظلمكم، وسيُعرض على لجنة البحث الاجتماعي في اجتماعها القادم.",
    },
    {
        "kind": "support_request", "service": "medical_support", "contact_kind": "organisation",
        "organisation": "مركز الرعاية الصحية الأولية بالنسيم",
        "subject": "خطاب بشأن مريض يحتاج إلى جهاز تنفس منزلي",
        "body": "يفيد المركز بحاجة المريض المذكور إلى جهاز تنفس منزلي، ويأمل مساعدته لعدم "
                "قدرته على تحمل تكلفته.",
    },
)


@hookimpl
def helpdesk_demo_data(channel_key, rng):
    if channel_key != "letters":
        return []
    samples = []
    for sample in SAMPLES:
        sample = dict(sample)
        channel_data = {"reference": f"{rng.randint(100, 999)}/{rng.randint(1, 12)}/1448"}
        organisation = sample.pop("organisation", None)
        if organisation:
            channel_data["organisation"] = organisation
        sample["channel_data"] = channel_data
        samples.append(sample)
    return samples
