"""Sample field visits by branch representatives (the helpdesk_demo_data hook)."""

from helpdesk.plugin_api import hookimpl

LOCATIONS = ("حي الخالدية", "حي السلام", "وسط المحافظة", "حي الروضة", "حي الفيصلية")

SAMPLES = (
    {
        "kind": "support_request", "service": "food_basket",
        "subject": "زيارة ميدانية: أسرة بحاجة إلى سلة غذائية",
        "body": "زار مندوب الفرع الأسرة في منزلها، وتبيّن أن المنزل يفتقر إلى المواد الغذائية "
                "الأساسية، وعدد أفرادها ثمانية.",
    },
    {
        "kind": "support_request", "service": "rent_support", "priority": "high",
        "subject": "أسرة مهددة بالإخلاء",
        "body": "أفادت الأسرة خلال الزيارة بأن المالك رفع دعوى إخلاء لتأخر الإيجار سبعة أشهر، "
                "واطلع المندوب على صورة الدعوى.",
    },
    {
        "kind": "complaint",
        "subject": "ملاحظات الأهالي على موعد التوزيع في الفرع",
        "body": "نقل المندوب ملاحظات عدد من المستفيدين على تزامن موعد التوزيع مع أوقات الدوام "
                "المدرسي.",
        "reply": "عُدِّل موعد التوزيع في الفرع ليكون بعد العصر.",
    },
    {
        "kind": "inquiry",
        "subject": "استفسارات المستفيدين عن فتح التسجيل في الفرع",
        "body": "يسأل عدد من الأهالي عن موعد فتح التسجيل للأسر الجديدة في الفرع.",
        "reply": "يُفتح التسجيل في الفرع بداية الشهر القادم، وسيُعلن عنه في المساجد والحسابات "
                 "الرسمية.",
    },
    {
        "kind": "support_request", "service": "medical_support",
        "subject": "مسنّة تحتاج إلى سرير طبي",
        "body": "خلال الزيارة تبيّن أن الأم المسنّة طريحة الفراش وتحتاج إلى سرير طبي ومرتبة "
                "هوائية.",
    },
    {
        "kind": "suggestion",
        "subject": "اقتراح نقطة توزيع إضافية في المحافظة",
        "body": "يقترح المندوب فتح نقطة توزيع في الجهة الشمالية من المحافظة لبعدها عن مقر الفرع.",
    },
    {
        "kind": "other",
        "subject": "متابعة تسليم أجهزة كهربائية لأسرة",
        "body": "تابع المندوب تسليم ثلاجة وغسالة للأسرة من مستودع الأثاث الخيري، وتأكد من "
                "تركيبهما.",
    },
)


@hookimpl
def helpdesk_demo_data(channel_key, rng):
    if channel_key != "branch_visits":
        return []
    return [dict(sample, channel_data={"location": rng.choice(LOCATIONS)})
            for sample in SAMPLES]
