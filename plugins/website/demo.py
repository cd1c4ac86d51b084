"""Sample website submissions for the demo association (the helpdesk_demo_data hook)."""

from helpdesk.plugin_api import hookimpl

SAMPLES = (
    {
        "kind": "inquiry", "form": "contact",
        "subject": "استفسار عن الخدمات المقدمة للأسر",
        "body": "نرغب في معرفة الخدمات التي تقدمها الجمعية للأسر المسجلة وطريقة الاستفادة منها.",
        "reply": "تقدم الجمعية السلة الغذائية، ودعم الإيجار، والدعم الطبي، والاستشارات "
                 "القانونية، وبرامج التدريب. تفاصيل كل خدمة في صفحة الخدمات بالموقع.",
    },
    {
        "kind": "support_request", "service": "rent_support", "form": "help_request",
        "subject": "طلب دعم إيجار",
        "body": "أسكن مع أسرتي في شقة مستأجرة، ولم أتمكن من سداد الإيجار منذ أربعة أشهر بسبب "
                "انقطاع دخلي.",
        "reply": "استلمنا طلبك، ونأمل تزويدنا بعقد الإيجار وما يثبت انقطاع الدخل.",
        "followup": "أرسلت المستندات المطلوبة على البريد.",
    },
    {
        "kind": "complaint", "form": "contact", "priority": "high",
        "contact_kind": "supporter",
        "subject": "تعذر إكمال التبرع عبر الموقع",
        "body": "حاولت التبرع عبر المتجر الإلكتروني لكن عملية الدفع تتوقف عند إدخال رمز "
                "التحقق.",
        "reply": "نعتذر عن ذلك، أصلحنا الخلل مع مزود الدفع، ونشكر لك حرصك.",
    },
    {
        "kind": "suggestion", "form": "contact", "contact_kind": "supporter",
        "subject": "اقتراح إضافة التبرع الشهري المستقطع",
        "body": "أقترح إضافة خيار الاستقطاع الشهري في صفحة التبرع ليسهل على الداعمين الاستمرار.",
        "reply": "شكرًا على اقتراحك، وهو ضمن خطة تطوير الموقع هذا العام.",
    },
    {
        "kind": "volunteering", "form": "volunteer", "contact_kind": "volunteer",
        "subject": "طلب تطوع من خلال الموقع",
        "body": "أرغب في التطوع في البرامج التوعوية، ولدي خبرة في التسويق عبر وسائل التواصل.",
    },
    {
        "kind": "appreciation", "form": "contact", "contact_kind": "supporter",
        "subject": "شكر على التقرير السنوي",
        "body": "اطلعت على التقرير السنوي للجمعية، وأشكركم على الشفافية ووضوح الأرقام.",
    },
    {
        "kind": "other", "form": "contact", "contact_kind": "organisation",
        "subject": "طلب إيصال تبرع باسم الشركة",
        "body": "نرجو إصدار إيصال التبرع باسم الشركة بدلًا من اسم الموظف الذي أجرى التحويل.",
        "reply": "صدر الإيصال باسم الشركة وأُرسل إلى بريدكم.",
    },
    {
        "kind": "inquiry", "form": "contact",
        "subject": "الاستفسار عن نتيجة دراسة الحالة",
        "body": "زارنا الباحث الاجتماعي قبل أسبوعين، ومتى تظهر نتيجة الدراسة؟",
        "reply": "تُعرض الدراسة على اللجنة في اجتماعها القادم، وستصلكم النتيجة برسالة نصية.",
    },
)


@hookimpl
def helpdesk_demo_data(channel_key, rng):
    if channel_key != "website":
        return []
    samples = []
    for sample in SAMPLES:
        sample = dict(sample)
        form = sample.pop("form")
        sample["channel_data"] = {"form": form, "page": f"/{form.replace('_', '-')}",
                                  "language": rng.choice(("ar", "ar", "ar", "en"))}
        samples.append(sample)
    return samples
