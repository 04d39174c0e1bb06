//! The widget's own texts in the host page's language. The admin writes the
//! channel's texts (title, welcome, placeholder) in the site's language, so
//! the page's `<html lang>` decides, then the browser's language. Right-to-
//! left languages lay the window out mirrored (`dir="rtl"`; the CSS uses
//! flex, which follows the direction).

pub struct Texts {
    pub lang: &'static str,
    pub rtl: bool,
    pub connecting: &'static str,
    pub offline: &'static str,
    pub sending: &'static str,
    pub sent: &'static str,
    /// Followed by the server's reason.
    pub not_sent: &'static str,
    pub retry: &'static str,
    /// The composer's paperclip button.
    pub attach: &'static str,
    /// Over the window while a file is dragged onto it.
    pub drop_file: &'static str,
    /// `{name}` is the file's name.
    pub uploading: &'static str,
    /// A file over `MAX_ATTACHMENT_BYTES`, refused before uploading.
    pub too_big: &'static str,
    /// An upload failed without the server's reason.
    pub upload_failed: &'static str,
    pub ended: &'static str,
    pub start_over: &'static str,
    pub end: &'static str,
    /// After the operator's name.
    pub is_typing: &'static str,
    pub close: &'static str,
    pub message: &'static str,
    pub send: &'static str,
    /// Rating an ended conversation.
    pub rate: &'static str,
    /// Happy, neutral, unhappy (`Rating::ALL`'s order).
    pub ratings: [&'static str; 3],
    pub comment: &'static str,
    pub send_rating: &'static str,
    pub thanks: &'static str,
    /// The list of conversations ("multiple" mode).
    pub conversations: &'static str,
    pub new_conversation: &'static str,
    pub no_conversations: &'static str,
    pub no_messages: &'static str,
    pub ended_tag: &'static str,
    pub department: &'static str,
    pub choose_department: &'static str,
    /// The offline form, while no operator is online.
    pub leave_title: &'static str,
    pub leave_intro: &'static str,
    pub your_name: &'static str,
    pub your_email: &'static str,
    pub leave_send: &'static str,
    /// Followed by the email the answer goes to.
    pub left: &'static str,
    pub bad_contact: &'static str,
    /// While every operator is busy; `{n}` is the place in line.
    pub queue: &'static str,
    /// After a message an operator edited.
    pub edited: &'static str,
    /// Under the visitor's message once an operator has read it.
    pub seen: &'static str,
}

const EN: Texts = Texts {
    lang: "en",
    rtl: false,
    connecting: "Connecting…",
    offline: "Offline: messages will be sent when you are back",
    sending: "Sending…",
    sent: "Sent",
    not_sent: "Not sent: ",
    retry: "Retry",
    attach: "Attach a file",
    drop_file: "Drop the file here to send it",
    uploading: "Uploading {name}…",
    too_big: "Files can be at most 10 MB.",
    upload_failed: "The file could not be sent.",
    ended: "This conversation has ended.",
    start_over: "Start a new conversation",
    end: "End conversation",
    is_typing: " is typing…",
    close: "Close chat",
    message: "Message",
    send: "Send",
    rate: "How was this conversation?",
    ratings: ["Good", "Okay", "Bad"],
    comment: "Add a comment (optional)",
    send_rating: "Send rating",
    thanks: "Thank you for your feedback.",
    conversations: "Your conversations",
    new_conversation: "New conversation",
    no_conversations: "No conversations yet.",
    no_messages: "No messages",
    ended_tag: "Ended",
    department: "Department",
    choose_department: "Choose a department",
    leave_title: "Leave us a message",
    leave_intro: "Nobody is available right now. Leave a message and we will answer by email.",
    your_name: "Your name",
    your_email: "Your email",
    leave_send: "Send message",
    left: "Thank you! We will answer by email at ",
    bad_contact: "Please give your name and a valid email address.",
    queue: "You are number {n} in line. An operator will be with you shortly.",
    edited: "edited",
    seen: "Seen",
};

const FR: Texts = Texts {
    lang: "fr",
    rtl: false,
    connecting: "Connexion…",
    offline: "Hors ligne : les messages partiront à votre retour",
    sending: "Envoi…",
    sent: "Envoyé",
    not_sent: "Non envoyé : ",
    retry: "Réessayer",
    attach: "Joindre un fichier",
    drop_file: "Déposez le fichier ici pour l’envoyer",
    uploading: "Envoi de {name}…",
    too_big: "Les fichiers ne peuvent pas dépasser 10 Mo.",
    upload_failed: "Le fichier n’a pas pu être envoyé.",
    ended: "Cette conversation est terminée.",
    start_over: "Commencer une nouvelle conversation",
    end: "Terminer la conversation",
    is_typing: " écrit…",
    close: "Fermer la discussion",
    message: "Message",
    send: "Envoyer",
    rate: "Comment s’est passée cette conversation ?",
    ratings: ["Bien", "Moyen", "Mal"],
    comment: "Ajouter un commentaire (facultatif)",
    send_rating: "Envoyer la note",
    thanks: "Merci pour votre avis.",
    conversations: "Vos conversations",
    new_conversation: "Nouvelle conversation",
    no_conversations: "Aucune conversation pour l’instant.",
    no_messages: "Aucun message",
    ended_tag: "Terminée",
    department: "Service",
    choose_department: "Choisissez un service",
    leave_title: "Laissez-nous un message",
    leave_intro: "Personne n’est disponible pour le moment. Laissez un message, nous vous répondrons par e-mail.",
    your_name: "Votre nom",
    your_email: "Votre e-mail",
    leave_send: "Envoyer le message",
    left: "Merci ! Nous vous répondrons par e-mail à ",
    bad_contact: "Indiquez votre nom et une adresse e-mail valide.",
    queue: "Vous êtes {n} dans la file. Un conseiller vous répond bientôt.",
    edited: "modifié",
    seen: "Vu",
};

const DE: Texts = Texts {
    lang: "de",
    rtl: false,
    connecting: "Verbinden…",
    offline: "Offline: Nachrichten werden gesendet, sobald Sie zurück sind",
    sending: "Wird gesendet…",
    sent: "Gesendet",
    not_sent: "Nicht gesendet: ",
    retry: "Erneut versuchen",
    attach: "Datei anhängen",
    drop_file: "Datei hier ablegen, um sie zu senden",
    uploading: "{name} wird hochgeladen…",
    too_big: "Dateien dürfen höchstens 10 MB groß sein.",
    upload_failed: "Die Datei konnte nicht gesendet werden.",
    ended: "Dieses Gespräch ist beendet.",
    start_over: "Neues Gespräch beginnen",
    end: "Gespräch beenden",
    is_typing: " schreibt…",
    close: "Chat schließen",
    message: "Nachricht",
    send: "Senden",
    rate: "Wie war dieses Gespräch?",
    ratings: ["Gut", "Okay", "Schlecht"],
    comment: "Kommentar hinzufügen (optional)",
    send_rating: "Bewertung senden",
    thanks: "Danke für Ihr Feedback.",
    conversations: "Ihre Gespräche",
    new_conversation: "Neues Gespräch",
    no_conversations: "Noch keine Gespräche.",
    no_messages: "Keine Nachrichten",
    ended_tag: "Beendet",
    department: "Abteilung",
    choose_department: "Abteilung wählen",
    leave_title: "Hinterlassen Sie uns eine Nachricht",
    leave_intro:
        "Gerade ist niemand erreichbar. Hinterlassen Sie eine Nachricht, wir antworten per E-Mail.",
    your_name: "Ihr Name",
    your_email: "Ihre E-Mail",
    leave_send: "Nachricht senden",
    left: "Danke! Wir antworten per E-Mail an ",
    bad_contact: "Bitte geben Sie Ihren Namen und eine gültige E-Mail-Adresse an.",
    queue: "Sie sind Nummer {n} in der Warteschlange. Gleich ist jemand für Sie da.",
    edited: "bearbeitet",
    seen: "Gelesen",
};

const AR: Texts = Texts {
    lang: "ar",
    rtl: true,
    connecting: "جارٍ الاتصال…",
    offline: "غير متصل: ستُرسل الرسائل عند عودتك",
    sending: "جارٍ الإرسال…",
    sent: "أُرسلت",
    not_sent: "لم تُرسل: ",
    retry: "إعادة المحاولة",
    attach: "إرفاق ملف",
    drop_file: "أفلت الملف هنا لإرساله",
    uploading: "جارٍ رفع {name}…",
    too_big: "يجب ألا يتجاوز حجم الملف 10 ميغابايت.",
    upload_failed: "تعذّر إرسال الملف.",
    ended: "انتهت هذه المحادثة.",
    start_over: "بدء محادثة جديدة",
    end: "إنهاء المحادثة",
    is_typing: " يكتب…",
    close: "إغلاق الدردشة",
    message: "رسالة",
    send: "إرسال",
    rate: "كيف كانت هذه المحادثة؟",
    ratings: ["جيدة", "مقبولة", "سيئة"],
    comment: "أضف تعليقًا (اختياري)",
    send_rating: "إرسال التقييم",
    thanks: "شكرًا على ملاحظاتك.",
    conversations: "محادثاتك",
    new_conversation: "محادثة جديدة",
    no_conversations: "لا توجد محادثات بعد.",
    no_messages: "لا توجد رسائل",
    ended_tag: "منتهية",
    department: "القسم",
    choose_department: "اختر قسمًا",
    leave_title: "اترك لنا رسالة",
    leave_intro: "لا يوجد أحد متاح الآن. اترك رسالة وسنرد عليك عبر البريد الإلكتروني.",
    your_name: "اسمك",
    your_email: "بريدك الإلكتروني",
    leave_send: "إرسال الرسالة",
    left: "شكرًا لك! سنرد عليك عبر البريد الإلكتروني على ",
    bad_contact: "يرجى إدخال اسمك وعنوان بريد إلكتروني صالح.",
    queue: "أنت رقم {n} في قائمة الانتظار. سيرد عليك أحد الموظفين قريبًا.",
    edited: "معدّل",
    seen: "تمت القراءة",
};

const HE: Texts = Texts {
    lang: "he",
    rtl: true,
    connecting: "מתחבר…",
    offline: "לא מחובר: ההודעות יישלחו כשתחזרו",
    sending: "שולח…",
    sent: "נשלחה",
    not_sent: "לא נשלחה: ",
    retry: "נסו שוב",
    attach: "צירוף קובץ",
    drop_file: "שחררו את הקובץ כאן כדי לשלוח אותו",
    uploading: "מעלה את {name}…",
    too_big: "גודל קובץ מוגבל ל־10MB.",
    upload_failed: "לא ניתן היה לשלוח את הקובץ.",
    ended: "השיחה הסתיימה.",
    start_over: "התחלת שיחה חדשה",
    end: "סיום השיחה",
    is_typing: " מקליד/ה…",
    close: "סגירת הצ'אט",
    message: "הודעה",
    send: "שליחה",
    rate: "איך הייתה השיחה?",
    ratings: ["טובה", "בסדר", "גרועה"],
    comment: "הוספת הערה (לא חובה)",
    send_rating: "שליחת דירוג",
    thanks: "תודה על המשוב.",
    conversations: "השיחות שלך",
    new_conversation: "שיחה חדשה",
    no_conversations: "אין עדיין שיחות.",
    no_messages: "אין הודעות",
    ended_tag: "הסתיימה",
    department: "מחלקה",
    choose_department: "בחירת מחלקה",
    leave_title: "השאירו לנו הודעה",
    leave_intro: "אין כרגע נציג זמין. השאירו הודעה ונענה לכם בדוא״ל.",
    your_name: "השם שלך",
    your_email: "הדוא״ל שלך",
    leave_send: "שליחת ההודעה",
    left: "תודה! נענה לכם בדוא״ל לכתובת ",
    bad_contact: "נא למלא שם וכתובת דוא״ל תקינה.",
    queue: "אתם מספר {n} בתור. נציג יענה לכם בקרוב.",
    edited: "נערך",
    seen: "נקראה",
};

/// The texts for a language tag such as `ar-EG`; English when unknown.
pub fn for_tag(tag: &str) -> &'static Texts {
    let primary = tag.split(['-', '_']).next().unwrap_or_default();
    [&FR, &DE, &AR, &HE]
        .into_iter()
        .find(|t| t.lang.eq_ignore_ascii_case(primary))
        .unwrap_or(&EN)
}

/// The host page's language (`<html lang>`), else the browser's.
pub fn of_page() -> &'static Texts {
    let window = web_sys::window();
    let page = window
        .as_ref()
        .and_then(|w| w.document()?.document_element()?.get_attribute("lang"))
        .filter(|l| !l.trim().is_empty());
    let browser = || window.as_ref().and_then(|w| w.navigator().language());
    for_tag(&page.or_else(browser).unwrap_or_default())
}

/// `text` with its one `{…}` placeholder replaced by `value`. Searching
/// for single characters: a string pattern's searcher costs bytes.
pub fn fill(text: &str, value: &str) -> String {
    match (text.find('{'), text.find('}')) {
        (Some(a), Some(b)) if a < b => [&text[..a], value, &text[b + 1..]].concat(),
        _ => text.to_string(),
    }
}
