"""Demo text for moderation and departments: reasons, response templates, flags, internal notes."""

# title_fa, title_en, body_fa, body_en (the migration seeds the same reasons on a real database)
REASONS = [
    (
        "خارج از وظایف شهرداری",
        "Not a city matter",
        "این موضوع در حوزه‌ی وظایف شهرداری مشهد نیست. "
        "لطفاً آن را با سامانه‌ی دستگاه مربوط (مثلاً آب و فاضلاب، برق یا پلیس) در میان بگذارید.",
        "This is not something the Mashhad municipality handles. Please raise it with the responsible body "
        "(for example the water, electricity or police services).",
    ),
    (
        "اطلاعات کافی نیست",
        "Not enough detail",
        "برای رسیدگی، نشانی دقیق یا توضیح بیشتری لازم است. لطفاً پست تازه‌ای با جزئیات بیشتر بفرستید.",
        "To act on this we need an exact place or more detail. Please send a new post with more information.",
    ),
    (
        "اطلاعات شخصی",
        "Personal information",
        "پست شامل اطلاعات شخصی دیگران (نام، شماره‌ی تلفن یا پلاک خودرو) بود. لطفاً بدون این اطلاعات دوباره بفرستید.",
        "The post contained other people's personal details (names, phone numbers or number plates). "
        "Please send it again without them.",
    ),
    (
        "زبان توهین‌آمیز",
        "Offensive language",
        "پست زبان توهین‌آمیز داشت. نقد محترمانه را با خوشحالی منتشر می‌کنیم.",
        "The post used offensive language. We gladly publish respectful criticism.",
    ),
    (
        "تبلیغ",
        "Advertising",
        "شهروند جای تبلیغ کالا یا خدمات نیست.",
        "Shahrvand is not a place to advertise goods or services.",
    ),
]

# action, title, body (each department gets these, with its name where it fits)
RESPONSES = [
    (
        "acknowledge",
        "دریافت و ارجاع به منطقه",
        "گزارش شما دریافت شد و برای بررسی میدانی به شهرداری منطقه ارجاع داده شد. نتیجه را همین‌جا اعلام می‌کنیم.",
    ),
    ("acknowledge", "نیاز به بازدید کارشناس", "گزارش شما دریافت شد. کارشناس ما ظرف یک هفته از محل بازدید می‌کند."),
    ("start", "آغاز عملیات اجرایی", "اکیپ اجرایی کار را آغاز کرده است. از شکیبایی شما سپاسگزاریم."),
    ("resolve", "برطرف شد", "اکیپ اجرایی در محل حاضر شد و مشکل برطرف گردید. از همراهی شما سپاسگزاریم."),
    ("resolve", "در برنامه‌ی سال آینده", "این پیشنهاد در برنامه‌ی عملیاتی سال آینده گنجانده شد و اجرای آن پیگیری می‌شود."),
    ("decline", "خارج از حوزه‌ی این معاونت", "این مورد در حوزه‌ی وظایف این معاونت نیست و به دستگاه مسئول اطلاع داده شد."),
    (
        "decline",
        "نبود اعتبار",
        "متأسفانه برای این مورد در سال جاری اعتبار پیش‌بینی نشده است. در بودجه‌ی سال بعد بررسی می‌شود.",
    ),
]

FLAG_NOTES = [
    "این پست تبلیغ یک فروشگاه است.",
    "در این نظر به یکی از همسایه‌ها توهین شده است.",
    "همین موضوع چند روز پیش هم ثبت شده بود.",
]

INTERNAL_NOTES = [
    "با پیمانکار منطقه تماس گرفته شد؛ قرار بازدید پنجشنبه.",
    "این مورد تکراری است؛ با پرونده‌ی قبلی هماهنگ شود.",
    "نیاز به مجوز از معاونت شهرسازی دارد.",
]

HAND_BACK_NOTE = "این موضوع مربوط به شرکت آب و فاضلاب است، نه معاونت ما. لطفاً به دستگاه درست ارجاع شود."
