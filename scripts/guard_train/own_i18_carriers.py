"""Per-language framing for own_i18.py: slot values and carriers (e-mail, ticket, chat, tool
JSON, HTML, markdown, code fence). All text hand-written for this set."""

import json

# copies per scenario (label, en / other language)
COPIES = {("attack", "en"): 3, ("attack", "xx"): 3, ("benign", "en"): 3, ("benign", "xx"): 3}

SLOTS = {
    "en": {"name": ["Dana Whitfield", "Marcus Lee", "Priya Nair", "Tom Okafor", "Sarah Kim"],
           "amt": ["$240.00", "$1,180", "$89.99", "$3,400", "$612.50"]},
    "de": {"name": ["Jana Becker", "Lukas Hoffmann", "Aylin Demir", "Stefan Wolf"],
           "amt": ["249,00 €", "1.320 €", "87,50 €", "4.100 €"]},
    "fr": {"name": ["Camille Martin", "Julien Roux", "Nadia Benali", "Hugo Lefèvre"],
           "amt": ["189 €", "1 250 €", "74,90 €", "3 600 €"]},
    "es": {"name": ["Lucía Romero", "Javier Ortega", "Marta Gil", "Andrés Vega"],
           "amt": ["215 €", "1.480 €", "63,20 €", "2.900 €"]},
    "it": {"name": ["Giulia Conti", "Marco Ferri", "Sara Greco", "Davide Russo"],
           "amt": ["320 €", "1.150 €", "48,90 €", "2.750 €"]},
    "pt": {"name": ["Ana Ribeiro", "João Carvalho", "Beatriz Lima", "Rafael Souza"],
           "amt": ["R$ 890", "R$ 2.350", "410 €", "R$ 129,90"]},
    "nl": {"name": ["Sanne de Vries", "Pieter Jansen", "Fleur Bakker", "Daan Visser"],
           "amt": ["€ 275", "€ 1.090", "€ 59,95", "€ 3.200"]},
    "pl": {"name": ["Katarzyna Nowak", "Piotr Wiśniewski", "Magda Zielińska", "Tomasz Lis"],
           "amt": ["890 zł", "2 450 zł", "179,99 zł", "6 300 zł"]},
    "sv": {"name": ["Elin Lindqvist", "Oskar Berg", "Maja Holm", "Johan Ek"],
           "amt": ["2 400 kr", "890 kr", "12 500 kr", "349 kr"]},
    "ru": {"name": ["Анна Смирнова", "Дмитрий Волков", "Ольга Кузнецова", "Игорь Павлов"],
           "amt": ["18 500 ₽", "4 200 ₽", "96 000 ₽", "2 750 ₽"]},
    "tr": {"name": ["Elif Yıldız", "Mehmet Kaya", "Zeynep Arslan", "Can Demir"],
           "amt": ["4.500 TL", "12.800 TL", "899 TL", "27.000 TL"]},
    "zh": {"name": ["王丽", "陈伟", "刘洋", "张敏"],
           "amt": ["1,280 元", "560 元", "9,800 元", "3,450 元"]},
    "ja": {"name": ["佐藤 美咲", "鈴木 健太", "高橋 彩", "田中 翔"],
           "amt": ["38,000円", "5,400円", "120,000円", "12,800円"]},
    "ko": {"name": ["김지은", "박민수", "이서연", "최준호"],
           "amt": ["45만 원", "12만 8천 원", "230만 원", "7만 원"]},
    "ar": {"name": ["سارة الحربي", "أحمد منصور", "ليلى حداد", "خالد العتيبي"],
           "amt": ["1,250 ريال", "430 درهم", "3,900 ريال", "780 درهم"]},
    "hi": {"name": ["प्रिया शर्मा", "राहुल वर्मा", "अंजलि गुप्ता", "विकास सिंह"],
           "amt": ["₹4,500", "₹18,200", "₹950", "₹62,000"]},
}

# subject prefix, subjects, greetings, sign-offs, ticket word, filler lines, headings
FRAME = {
    "en": ("Subject", ["Re: your request", "Case update", "Fwd: account review", "Order follow-up"],
           ["Hi,", "Hello team,", "Good morning,"], ["Best regards,", "Thanks,", "Kind regards,"], "Ticket",
           ["Following up on the case from last week.", "Attaching the details below.",
            "Please see the note that came with the request.", "Customer wrote in again today."],
           ["Case notes", "Request details", "Account summary", "Review"]),
    "de": ("Betreff", ["AW: Ihre Anfrage", "Fallupdate", "WG: Kontoprüfung"], ["Hallo zusammen,", "Guten Tag,"],
           ["Viele Grüße", "Beste Grüße"], "Ticket",
           ["Anbei die Details zum Vorgang.", "Der Kunde hat sich heute erneut gemeldet.", "Hier die Notiz zum Fall."],
           ["Fallnotizen", "Details zur Anfrage", "Kontoübersicht"]),
    "fr": ("Objet", ["RE : votre demande", "Suivi du dossier", "TR : vérification du compte"], ["Bonjour,", "Bonjour à tous,"],
           ["Cordialement,", "Bien à vous,"], "Ticket",
           ["Voici les éléments du dossier.", "Le client nous a recontactés ce matin.", "Ci-dessous la note jointe."],
           ["Notes du dossier", "Détails de la demande", "Résumé du compte"]),
    "es": ("Asunto", ["RE: su solicitud", "Actualización del caso", "RV: revisión de cuenta"], ["Hola,", "Buenos días,"],
           ["Saludos,", "Un saludo,"], "Ticket",
           ["Te paso los detalles del caso.", "El cliente volvió a escribir hoy.", "Abajo va la nota adjunta."],
           ["Notas del caso", "Detalles de la solicitud", "Resumen de la cuenta"]),
    "it": ("Oggetto", ["R: la sua richiesta", "Aggiornamento pratica", "I: verifica account"], ["Ciao,", "Buongiorno,"],
           ["Cordiali saluti,", "Grazie,"], "Ticket",
           ["Ecco i dettagli della pratica.", "Il cliente ha scritto di nuovo oggi.", "Sotto trovi la nota allegata."],
           ["Note della pratica", "Dettagli della richiesta", "Riepilogo account"]),
    "pt": ("Assunto", ["RE: sua solicitação", "Atualização do caso", "ENC: revisão de conta"], ["Olá,", "Bom dia,"],
           ["Atenciosamente,", "Abraços,"], "Chamado",
           ["Seguem os detalhes do caso.", "O cliente entrou em contato de novo hoje.", "Abaixo a nota anexada."],
           ["Notas do caso", "Detalhes da solicitação", "Resumo da conta"]),
    "nl": ("Onderwerp", ["RE: uw aanvraag", "Update dossier", "FW: accountcontrole"], ["Hoi,", "Goedemorgen,"],
           ["Met vriendelijke groet,", "Groeten,"], "Ticket",
           ["Hieronder de details van het dossier.", "De klant heeft vandaag opnieuw gemaild.", "Zie de notitie hieronder."],
           ["Dossiernotities", "Details aanvraag", "Accountoverzicht"]),
    "pl": ("Temat", ["RE: Pana/Pani zgłoszenie", "Aktualizacja sprawy", "PD: weryfikacja konta"], ["Dzień dobry,", "Cześć,"],
           ["Pozdrawiam,", "Z poważaniem,"], "Zgłoszenie",
           ["Przesyłam szczegóły sprawy.", "Klient napisał dziś ponownie.", "Poniżej notatka do sprawy."],
           ["Notatki do sprawy", "Szczegóły zgłoszenia", "Podsumowanie konta"]),
    "sv": ("Ämne", ["SV: din förfrågan", "Uppdatering i ärendet", "VB: kontogranskning"], ["Hej,", "God morgon,"],
           ["Vänliga hälsningar,", "Mvh,"], "Ärende",
           ["Här är detaljerna i ärendet.", "Kunden hörde av sig igen i dag.", "Se anteckningen nedan."],
           ["Ärendeanteckningar", "Detaljer", "Kontosammanfattning"]),
    "ru": ("Тема", ["RE: ваше обращение", "Обновление по заявке", "FW: проверка аккаунта"], ["Здравствуйте,", "Коллеги, добрый день,"],
           ["С уважением,", "Спасибо,"], "Заявка",
           ["Ниже детали по заявке.", "Клиент написал повторно сегодня.", "Прикладываю заметку к делу."],
           ["Заметки по делу", "Детали обращения", "Сводка по аккаунту"]),
    "tr": ("Konu", ["YNT: talebiniz", "Vaka güncellemesi", "İLT: hesap incelemesi"], ["Merhaba,", "Günaydın,"],
           ["Saygılarımla,", "Teşekkürler,"], "Talep",
           ["Vakanın detayları aşağıda.", "Müşteri bugün tekrar yazdı.", "İlgili not ekte."],
           ["Vaka notları", "Talep detayları", "Hesap özeti"]),
    "zh": ("主题", ["回复：您的申请", "工单进展", "转发：账户审核"], ["你好，", "各位好，"],
           ["谢谢！", "此致"], "工单",
           ["以下是本案的详细信息。", "客户今天又来信了。", "附上相关备注。"],
           ["案件备注", "申请详情", "账户概览"]),
    "ja": ("件名", ["Re: お問い合わせの件", "案件の進捗", "Fw: アカウント審査"], ["お疲れさまです。", "各位"],
           ["よろしくお願いいたします。", "以上です。"], "チケット",
           ["案件の詳細を以下に記載します。", "本日お客様から再度ご連絡がありました。", "関連メモを添付します。"],
           ["案件メモ", "申請内容", "アカウント概要"]),
    "ko": ("제목", ["RE: 문의 건", "건 진행 상황", "FW: 계정 검토"], ["안녕하세요,", "팀원 여러분,"],
           ["감사합니다.", "수고하세요."], "티켓",
           ["건 상세 내용은 아래와 같습니다.", "고객님이 오늘 다시 연락하셨습니다.", "관련 메모 첨부합니다."],
           ["건 메모", "요청 상세", "계정 요약"]),
    "ar": ("الموضوع", ["رد: طلبكم", "تحديث الحالة", "إعادة توجيه: مراجعة الحساب"], ["مرحبًا،", "صباح الخير،"],
           ["مع التحية،", "شكرًا،"], "تذكرة",
           ["إليكم تفاصيل الحالة.", "تواصل العميل معنا مجددًا اليوم.", "مرفق الملاحظة الخاصة بالطلب."],
           ["ملاحظات الحالة", "تفاصيل الطلب", "ملخص الحساب"]),
    "hi": ("विषय", ["RE: आपका अनुरोध", "केस अपडेट", "FW: खाता समीक्षा"], ["नमस्ते,", "सभी को नमस्कार,"],
           ["धन्यवाद,", "सादर,"], "टिकट",
           ["केस का विवरण नीचे है।", "ग्राहक ने आज फिर संपर्क किया।", "संबंधित नोट संलग्न है।"],
           ["केस नोट्स", "अनुरोध का विवरण", "खाता सारांश"]),
}

TOOLS = ["crm_lookup", "get_ticket", "fetch_document", "kyc_status", "order_api", "search_kb", "claims_api"]
FIELDS = ["note", "agent_note", "comment", "remarks", "description", "last_update"]


def wrap(kind, note, lang, label, rng):
    """The note in a carrier of `kind` (see module docstring); `bare` returns it unchanged."""
    if kind == "bare":
        return note
    sp, subjects, his, byes, tword, fillers, heads = FRAME[lang]
    name = rng.choice(SLOTS[lang]["name"])
    num = rng.randint(100000, 999999)
    if kind == "email":
        return f"{sp}: {rng.choice(subjects)}\n\n{rng.choice(his)}\n\n{rng.choice(fillers)}\n\n{note}\n\n{rng.choice(byes)}\n{name}"
    if kind == "ticket":
        return f"{tword} #{num}\n{rng.choice(fillers)}\n---\n{note}"
    if kind == "chat":
        h, m = rng.randint(8, 18), rng.randint(0, 59)
        return f"[{h:02d}:{m:02d}] {name}: {rng.choice(fillers)}\n[{h:02d}:{(m + 1) % 60:02d}] {name}: {note}"
    if kind == "json":
        d = {"tool": rng.choice(TOOLS), "status": "ok", "id": str(num), rng.choice(FIELDS): note}
        return json.dumps(d, ensure_ascii=False)
    if kind == "html":
        if rng.random() < 0.5:
            return f"<div class=\"case\">\n  <h3>{rng.choice(heads)}</h3>\n  <p>{rng.choice(fillers)}</p>\n  <!-- {note} -->\n</div>"
        return f"<div class=\"case\">\n  <h3>{rng.choice(heads)}</h3>\n  <p>{note}</p>\n</div>"
    if kind == "markdown":
        return f"## {rng.choice(heads)}\n\n{rng.choice(fillers)}\n\n> {note}"
    if kind == "fence":
        return f"{rng.choice(fillers)}\n\n```\n{note}\n```"
    raise ValueError(kind)
