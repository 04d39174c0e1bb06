//! A team's website form: the fields an admin adds after the built-in ones
//! (name, email, subject, message), and the checks a submission passes.
//! The public page (`/help/{team}/new`) works without JavaScript, so these
//! rules run on the server; the texts follow the widget's languages.

use crate::helpdesk::{plausible_email, MAX_CUSTOMER_EMAIL, MAX_CUSTOMER_NAME, MAX_TICKET_TITLE};
use crate::ticket_thread::MAX_ENTRY_BODY;
use crate::{Field, ValidationErrors};
use serde::{Deserialize, Serialize};

/// The most custom fields a form has.
pub const MAX_FORM_FIELDS: usize = 20;
pub const MAX_FIELD_LABEL: usize = 80;
pub const MAX_FIELD_HELP: usize = 200;
/// A one-line answer's longest; a long text's is the message's.
pub const MAX_LINE_ANSWER: usize = 300;
pub const MAX_CHOICES: usize = 30;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    #[default]
    ShortText,
    LongText,
    Email,
    Phone,
    Url,
    /// One of `choices`.
    Choice,
}

impl FieldKind {
    pub const ALL: [FieldKind; 6] = [
        FieldKind::ShortText,
        FieldKind::LongText,
        FieldKind::Email,
        FieldKind::Phone,
        FieldKind::Url,
        FieldKind::Choice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::ShortText => "short_text",
            FieldKind::LongText => "long_text",
            FieldKind::Email => "email",
            FieldKind::Phone => "phone",
            FieldKind::Url => "url",
            FieldKind::Choice => "choice",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            FieldKind::ShortText => "Short text",
            FieldKind::LongText => "Long text",
            FieldKind::Email => "Email",
            FieldKind::Phone => "Phone",
            FieldKind::Url => "URL",
            FieldKind::Choice => "One choice from a list",
        }
    }
}

/// One field an admin added.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    pub kind: FieldKind,
    pub label: String,
    pub placeholder: String,
    /// Shown under the label.
    pub description: String,
    pub default_value: String,
    pub required: bool,
    /// For `Choice`: the options, in order.
    pub choices: Vec<String>,
}

/// A team's custom fields, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpForm {
    pub fields: Vec<FormField>,
}

impl HelpForm {
    /// Trims every text and checks the limits; errors name the field by
    /// its place.
    pub fn parse(mut self) -> Result<HelpForm, ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.fields.len() > MAX_FORM_FIELDS {
            e.push(
                Field::FormField(0),
                format!("a form has at most {MAX_FORM_FIELDS} fields of its own"),
            );
        }
        for (i, f) in self.fields.iter_mut().enumerate() {
            let at = Field::FormField(u16::try_from(i).unwrap_or(u16::MAX));
            for text in [
                &mut f.label,
                &mut f.placeholder,
                &mut f.description,
                &mut f.default_value,
            ] {
                *text = text.trim().to_string();
            }
            f.choices = f
                .choices
                .iter()
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect();
            let mut problems = ValidationErrors::default();
            problems.check_line(at, &f.label, true, MAX_FIELD_LABEL);
            problems.check_line(at, &f.placeholder, false, MAX_FIELD_LABEL);
            problems.check_line(at, &f.description, false, MAX_FIELD_HELP);
            problems.check_line(at, &f.default_value, false, MAX_LINE_ANSWER);
            if f.kind == FieldKind::Choice {
                if f.choices.is_empty() {
                    problems.push(at, "a list needs at least one choice");
                } else if f.choices.len() > MAX_CHOICES
                    || f.choices
                        .iter()
                        .any(|c| c.chars().count() > MAX_FIELD_LABEL)
                {
                    problems.push(
                        at,
                        format!("at most {MAX_CHOICES} choices of {MAX_FIELD_LABEL} characters"),
                    );
                } else if !f.default_value.is_empty() && !f.choices.contains(&f.default_value) {
                    problems.push(at, "the default must be one of the choices");
                }
            } else {
                f.choices.clear();
            }
            // One message per field is enough to find it.
            if let Some(first) = problems.0.into_iter().next() {
                e.0.push(first);
            }
        }
        e.into_result().map(|()| self)
    }
}

/// What a visitor sent: the built-in answers, then one per custom field in
/// the form's order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormAnswers {
    pub name: String,
    pub email: String,
    pub subject: String,
    pub message: String,
    pub fields: Vec<String>,
}

/// A submission that passed: what the ticket is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedAnswers {
    pub name: String,
    pub email: String,
    pub subject: String,
    /// The message, then each custom field's answer as "Label: answer".
    pub description: String,
}

impl FormAnswers {
    /// Checks the answers against `form` with `texts`' messages.
    pub fn check(
        &self,
        form: &HelpForm,
        texts: &FormTexts,
    ) -> Result<CheckedAnswers, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = line(&self.name);
        let email = self.email.trim().to_lowercase();
        let subject = line(&self.subject);
        let message = self.message.trim().replace("\r\n", "\n");
        if name.is_empty() {
            e.push(Field::DisplayName, texts.required);
        } else if name.chars().count() > MAX_CUSTOMER_NAME {
            e.push(Field::DisplayName, texts.too_long);
        }
        if email.chars().count() > MAX_CUSTOMER_EMAIL || !plausible_email(&email) {
            e.push(Field::Email, texts.bad_email);
        }
        if subject.is_empty() {
            e.push(Field::Title, texts.required);
        } else if subject.chars().count() > MAX_TICKET_TITLE {
            e.push(Field::Title, texts.too_long);
        }
        if message.is_empty() {
            e.push(Field::Description, texts.required);
        }
        let mut description = message;
        for (i, field) in form.fields.iter().enumerate() {
            let at = Field::FormField(u16::try_from(i).unwrap_or(u16::MAX));
            let raw = self.fields.get(i).map(String::as_str).unwrap_or_default();
            let answer = if field.kind == FieldKind::LongText {
                raw.trim().replace("\r\n", "\n")
            } else {
                line(raw)
            };
            if answer.is_empty() {
                if field.required {
                    e.push(at, texts.required);
                }
                continue;
            }
            let max = if field.kind == FieldKind::LongText {
                MAX_ENTRY_BODY / 2
            } else {
                MAX_LINE_ANSWER
            };
            let fits = match field.kind {
                FieldKind::Email => plausible_email(&answer),
                FieldKind::Phone => answer
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().".contains(c)),
                FieldKind::Url => {
                    (answer.starts_with("https://") || answer.starts_with("http://"))
                        && !answer.contains(char::is_whitespace)
                }
                FieldKind::Choice => field.choices.contains(&answer),
                FieldKind::ShortText | FieldKind::LongText => true,
            };
            if answer.chars().count() > max {
                e.push(at, texts.too_long);
            } else if !fits {
                e.push(
                    at,
                    match field.kind {
                        FieldKind::Email => texts.bad_email,
                        FieldKind::Phone => texts.bad_phone,
                        FieldKind::Url => texts.bad_url,
                        _ => texts.bad_choice,
                    },
                );
            } else {
                description.push_str(&format!("\n\n{}: {answer}", field.label));
            }
        }
        if description.chars().count() > MAX_ENTRY_BODY {
            e.push(Field::Description, texts.too_long);
        }
        e.into_result().map(|()| CheckedAnswers {
            name,
            email,
            subject,
            description,
        })
    }
}

/// The public page's texts, in the widget's languages.
#[derive(Debug)]
pub struct FormTexts {
    pub lang: &'static str,
    pub rtl: bool,
    pub heading: &'static str,
    pub intro: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub subject: &'static str,
    pub message: &'static str,
    pub send: &'static str,
    pub optional: &'static str,
    pub required: &'static str,
    pub too_long: &'static str,
    pub bad_email: &'static str,
    pub bad_phone: &'static str,
    pub bad_url: &'static str,
    pub bad_choice: &'static str,
    pub fix: &'static str,
    pub choose: &'static str,
    /// `{n}` is the ticket's number, `{email}` the address.
    pub sent: &'static str,
    pub too_many: &'static str,
    pub closed: &'static str,
    /// The confirmation mail; `{n}` is the number. Nothing the visitor
    /// typed goes into it, so the form cannot relay their text to any
    /// address they choose.
    pub mail_subject: &'static str,
    /// `{n}` is the number.
    pub mail_body: &'static str,
}

const EN: FormTexts = FormTexts {
    lang: "en",
    rtl: false,
    heading: "Contact us",
    intro: "Tell us what you need. We answer by email.",
    name: "Your name",
    email: "Your email",
    subject: "Subject",
    message: "How can we help?",
    send: "Send",
    optional: "optional",
    required: "Please fill this in.",
    too_long: "This is too long.",
    bad_email: "Please enter an email address like name@example.com.",
    bad_phone: "Please enter a phone number (digits, spaces, + - ( ) only).",
    bad_url: "Please enter a web address starting with https://.",
    bad_choice: "Please choose one of the options.",
    fix: "Please correct the marked fields.",
    choose: "Choose…",
    sent: "Thank you! Your request is ticket #{n}. We sent a confirmation to {email} and will answer there.",
    too_many: "Too many requests from your address. Please try again in a few minutes.",
    closed: "This form is not available.",
    mail_subject: "[#{n}] We received your request",
    mail_body: "Hello,\n\nThank you for writing to us. Your request is ticket #{n}; we will answer you by email.\nTo add anything, reply to this email.\n",
};

const FR: FormTexts = FormTexts {
    lang: "fr",
    rtl: false,
    heading: "Nous contacter",
    intro: "Dites-nous ce dont vous avez besoin. Nous répondons par e-mail.",
    name: "Votre nom",
    email: "Votre e-mail",
    subject: "Objet",
    message: "Comment pouvons-nous vous aider ?",
    send: "Envoyer",
    optional: "facultatif",
    required: "Merci de remplir ce champ.",
    too_long: "C'est trop long.",
    bad_email: "Merci de saisir une adresse comme nom@exemple.com.",
    bad_phone: "Merci de saisir un numéro de téléphone (chiffres, espaces, + - ( ) seulement).",
    bad_url: "Merci de saisir une adresse web commençant par https://.",
    bad_choice: "Merci de choisir une des options.",
    fix: "Merci de corriger les champs signalés.",
    choose: "Choisir…",
    sent: "Merci ! Votre demande est le ticket n° {n}. Une confirmation a été envoyée à {email}, où nous vous répondrons.",
    too_many: "Trop de demandes depuis votre adresse. Réessayez dans quelques minutes.",
    closed: "Ce formulaire n'est pas disponible.",
    mail_subject: "[#{n}] Nous avons bien reçu votre demande",
    mail_body: "Bonjour,\n\nMerci de nous avoir écrit. Votre demande est le ticket n° {n} ; nous vous répondrons par e-mail.\nPour ajouter quelque chose, répondez à cet e-mail.\n",
};

const DE: FormTexts = FormTexts {
    lang: "de",
    rtl: false,
    heading: "Kontakt",
    intro: "Sagen Sie uns, was Sie brauchen. Wir antworten per E-Mail.",
    name: "Ihr Name",
    email: "Ihre E-Mail",
    subject: "Betreff",
    message: "Wie können wir helfen?",
    send: "Senden",
    optional: "optional",
    required: "Bitte ausfüllen.",
    too_long: "Das ist zu lang.",
    bad_email: "Bitte eine Adresse wie name@beispiel.de eingeben.",
    bad_phone: "Bitte eine Telefonnummer eingeben (nur Ziffern, Leerzeichen, + - ( )).",
    bad_url: "Bitte eine Webadresse mit https:// eingeben.",
    bad_choice: "Bitte eine der Optionen wählen.",
    fix: "Bitte die markierten Felder korrigieren.",
    choose: "Auswählen…",
    sent: "Danke! Ihre Anfrage ist Ticket #{n}. Eine Bestätigung ging an {email}; dort antworten wir Ihnen.",
    too_many: "Zu viele Anfragen von Ihrer Adresse. Bitte in einigen Minuten erneut versuchen.",
    closed: "Dieses Formular ist nicht verfügbar.",
    mail_subject: "[#{n}] Wir haben Ihre Anfrage erhalten",
    mail_body: "Hallo,\n\ndanke für Ihre Nachricht. Ihre Anfrage ist Ticket #{n}; wir antworten per E-Mail.\nUm etwas zu ergänzen, antworten Sie auf diese E-Mail.\n",
};

const AR: FormTexts = FormTexts {
    lang: "ar",
    rtl: true,
    heading: "اتصل بنا",
    intro: "أخبرنا بما تحتاجه. نرد عبر البريد الإلكتروني.",
    name: "اسمك",
    email: "بريدك الإلكتروني",
    subject: "الموضوع",
    message: "كيف يمكننا مساعدتك؟",
    send: "إرسال",
    optional: "اختياري",
    required: "يرجى ملء هذا الحقل.",
    too_long: "هذا طويل جدًا.",
    bad_email: "يرجى إدخال عنوان بريد مثل name@example.com.",
    bad_phone: "يرجى إدخال رقم هاتف (أرقام ومسافات و + - ( ) فقط).",
    bad_url: "يرجى إدخال عنوان ويب يبدأ بـ https://.",
    bad_choice: "يرجى اختيار أحد الخيارات.",
    fix: "يرجى تصحيح الحقول المحددة.",
    choose: "اختر…",
    sent: "شكرًا! طلبك هو التذكرة رقم {n}. أرسلنا تأكيدًا إلى {email} وسنرد عليك هناك.",
    too_many: "طلبات كثيرة جدًا من عنوانك. يرجى المحاولة بعد بضع دقائق.",
    closed: "هذا النموذج غير متاح.",
    mail_subject: "[#{n}] تلقينا طلبك",
    mail_body: "مرحبًا،\n\nشكرًا لمراسلتنا. طلبك هو التذكرة رقم {n}، وسنرد عليك عبر البريد الإلكتروني.\nلإضافة أي شيء، قم بالرد على هذه الرسالة.\n",
};

const HE: FormTexts = FormTexts {
    lang: "he",
    rtl: true,
    heading: "צרו קשר",
    intro: "ספרו לנו מה אתם צריכים. נענה בדוא״ל.",
    name: "השם שלכם",
    email: "הדוא״ל שלכם",
    subject: "נושא",
    message: "איך נוכל לעזור?",
    send: "שליחה",
    optional: "רשות",
    required: "נא למלא שדה זה.",
    too_long: "הטקסט ארוך מדי.",
    bad_email: "נא להזין כתובת כמו name@example.com.",
    bad_phone: "נא להזין מספר טלפון (ספרות, רווחים, + - ( ) בלבד).",
    bad_url: "נא להזין כתובת אתר שמתחילה ב-https://.",
    bad_choice: "נא לבחור אחת מהאפשרויות.",
    fix: "נא לתקן את השדות המסומנים.",
    choose: "בחירה…",
    sent: "תודה! הפנייה שלכם היא כרטיס מספר {n}. שלחנו אישור אל {email} ונענה שם.",
    too_many: "יותר מדי פניות מהכתובת שלכם. נסו שוב בעוד כמה דקות.",
    closed: "הטופס אינו זמין.",
    mail_subject: "[#{n}] קיבלנו את הפנייה שלכם",
    mail_body: "שלום,\n\nתודה שכתבתם לנו. הפנייה שלכם היא כרטיס מספר {n}; נענה לכם בדוא״ל.\nכדי להוסיף משהו, השיבו להודעה זו.\n",
};

/// The texts for the first language of `tags` (a `?lang=` value, then the
/// `Accept-Language` list) that the widget speaks; English otherwise.
pub fn texts_for(tags: &[&str]) -> &'static FormTexts {
    tags.iter()
        .flat_map(|t| t.split(','))
        .map(|t| t.split(';').next().unwrap_or_default().trim())
        .find_map(|tag| {
            let primary = tag.split(['-', '_']).next().unwrap_or_default();
            [&EN, &FR, &DE, &AR, &HE]
                .into_iter()
                .find(|t| t.lang.eq_ignore_ascii_case(primary))
        })
        .unwrap_or(&EN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> HelpForm {
        HelpForm {
            fields: vec![
                FormField {
                    kind: FieldKind::Choice,
                    label: " Product ".into(),
                    choices: vec!["Kettle".into(), " ".into(), "Toaster".into()],
                    required: true,
                    ..FormField::default()
                },
                FormField {
                    kind: FieldKind::Phone,
                    label: "Phone".into(),
                    ..FormField::default()
                },
                FormField {
                    kind: FieldKind::Url,
                    label: "Order page".into(),
                    ..FormField::default()
                },
            ],
        }
        .parse()
        .unwrap()
    }

    fn answers() -> FormAnswers {
        FormAnswers {
            name: "  Dee   Customer ".into(),
            email: " Dee@Example.com".into(),
            subject: "Kettle\r\nleaks".into(),
            message: "It leaks.\r\nA lot.".into(),
            fields: vec!["Kettle".into(), "+49 (30) 123".into(), String::new()],
        }
    }

    #[test]
    fn forms_are_trimmed_and_bounded() {
        let f = form();
        assert_eq!(f.fields[0].label, "Product");
        assert_eq!(f.fields[0].choices, ["Kettle", "Toaster"]);
        let mut bad = f.clone();
        bad.fields[0].choices.clear();
        bad.fields[1].label = String::new();
        let e = bad.parse().unwrap_err();
        assert!(e.for_field(Field::FormField(0)).is_some());
        assert!(e.for_field(Field::FormField(1)).is_some());
        let many = HelpForm {
            fields: vec![
                FormField {
                    label: "x".into(),
                    ..FormField::default()
                };
                MAX_FORM_FIELDS + 1
            ],
        };
        assert!(many.parse().is_err());
    }

    #[test]
    fn answers_make_the_ticket() {
        let ok = answers().check(&form(), &EN).unwrap();
        assert_eq!(ok.name, "Dee Customer");
        assert_eq!(ok.email, "dee@example.com");
        assert_eq!(ok.subject, "Kettle leaks");
        assert_eq!(
            ok.description,
            "It leaks.\nA lot.\n\nProduct: Kettle\n\nPhone: +49 (30) 123"
        );
    }

    #[test]
    fn every_bad_answer_is_named() {
        let mut a = answers();
        a.name = String::new();
        a.email = "nope".into();
        a.fields = vec![
            "Fridge".into(),
            "call me".into(),
            "javascript:alert(1)".into(),
        ];
        let e = a.check(&form(), &FR).unwrap_err();
        assert_eq!(e.for_field(Field::DisplayName), Some(FR.required));
        assert_eq!(e.for_field(Field::Email), Some(FR.bad_email));
        assert_eq!(e.for_field(Field::FormField(0)), Some(FR.bad_choice));
        assert_eq!(e.for_field(Field::FormField(1)), Some(FR.bad_phone));
        assert_eq!(e.for_field(Field::FormField(2)), Some(FR.bad_url));
        a.fields = vec![];
        let e = a.check(&form(), &EN).unwrap_err();
        assert_eq!(e.for_field(Field::FormField(0)), Some(EN.required));
    }

    #[test]
    fn languages_follow_the_request() {
        assert_eq!(texts_for(&["de-AT,de;q=0.9,en;q=0.8"]).lang, "de");
        assert_eq!(texts_for(&["", "xx, he-IL"]).lang, "he");
        assert!(texts_for(&["ar"]).rtl);
        assert_eq!(texts_for(&["pt-BR"]).lang, "en");
    }
}
