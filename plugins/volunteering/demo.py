"""Sample volunteering offers for the demo association (the helpdesk_demo_data hook)."""

from helpdesk.plugin_api import hookimpl

SAMPLES = (
    {
        "subject": "رغبة في التطوع في توزيع السلال الغذائية",
        "body": "أرغب في التطوع مع الجمعية في أيام التوزيع، ولدي سيارة خاصة يمكنني استخدامها "
                "في التوصيل.",
        "skills": "قيادة السيارات والتوصيل", "availability": "نهاية الأسبوع",
        "keys": (["driving"], ["fri", "sat"], ["morning", "afternoon"], ["food_baskets"]),
        "reply": "شكرًا لك، سنتواصل معك قبل التوزيع القادم لتحديد المهام.",
    },
    {
        "subject": "تطوع في تدريس طالبات الأسر المستفيدة",
        "body": "معلمة رياضيات متقاعدة، وأرغب في تقديم دروس تقوية لطالبات المرحلة المتوسطة.",
        "skills": "التدريس وصعوبات التعلم", "availability": "مساء الأحد والثلاثاء",
        "keys": (["teaching"], ["sun", "tue"], ["evening"], ["education"]),
        "reply": "نرحب بكِ، وسنرسل لكِ جدول الطالبات المسجلات.",
    },
    {
        "subject": "تطوع في تصوير فعاليات الجمعية",
        "body": "مصور هاوٍ وأرغب في تصوير فعاليات الجمعية وتوثيقها دون مقابل.",
        "skills": "التصوير والتصميم", "availability": "حسب مواعيد الفعاليات",
        "keys": (["media"], ["thu", "fri"], ["evening"], ["events", "media"]),
    },
    {
        "subject": "تطوع طبي في اليوم الصحي المجتمعي",
        "body": "طبيب أسرة وأرغب في المشاركة في الفحوصات الطبية المجانية التي تقيمها الجمعية.",
        "skills": "الإسعافات الأولية", "availability": "يوم السبت",
        "keys": (["medical"], ["sat"], ["morning"], ["health"]),
        "reply": "شكرًا لك، سيُرسل إليك منسق التطوع تفاصيل اليوم الصحي القادم.",
    },
    {
        "subject": "تطوع في مراجعة السجلات المحاسبية",
        "body": "محاسب قانوني وأرغب في المساعدة في تنظيم السجلات المحاسبية للجمعية.",
        "skills": "المحاسبة", "availability": "ساعتان أسبوعيًا عن بُعد",
        "keys": (["accounting"], ["mon", "wed"], ["evening"], ["office"]),
    },
    {
        "subject": "فريق تطوعي جامعي يرغب في المشاركة",
        "body": "نحن نادي التطوع في الجامعة (25 طالبًا وطالبة)، ونرغب في تنفيذ مبادرة مع "
                "الجمعية خلال الفصل الدراسي.",
        "skills": "إدارة الفعاليات", "availability": "الفصل الدراسي الحالي",
        "keys": (["events", "driving"], ["sat", "sun", "mon"], ["afternoon"],
                 ["events", "field_visits"]),
        "contact_kind": "organisation",
        "reply": "يسعدنا ذلك، ونقترح لقاءً تعريفيًا في مقر الجمعية الأسبوع القادم.",
    },
    {
        "subject": "تطوع في الترجمة للأسر غير الناطقة بالعربية",
        "body": "أجيد الإنجليزية والأوردية، وأرغب في مساعدة الأسر المقيمة في التواصل مع "
                "الجمعية.",
        "skills": "الترجمة", "availability": "عن بُعد",
        "keys": (["translation"], ["sun", "mon", "tue"], ["evening"], ["field_visits"]),
    },
)


@hookimpl
def helpdesk_demo_data(channel_key, rng):
    if channel_key != "volunteering":
        return []
    samples = []
    for sample in SAMPLES:
        sample = dict(sample)
        skills, days, time_slots, interests = sample.pop("keys")
        # The answers of the volunteer form (the channel's intake fields), as an intake
        # would store them; the core gives each applicant a volunteer profile from them.
        channel_data = {"skills": skills, "skills_note": sample.pop("skills"), "days": days,
                        "time_slots": time_slots, "interests": interests,
                        "availability": sample.pop("availability"),
                        "hours_per_month": rng.choice((4, 8, 12, 20))}
        sample.setdefault("contact_kind", "volunteer")
        samples.append(dict(sample, kind="volunteering", channel_data=channel_data))
    return samples
