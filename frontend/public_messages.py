# ruff: noqa: E501 - translated sentences read better unbroken, as in frontend/messages.py
"""Texts of the complaint form, the receipt and the follow-up pages, in every language.

The English advice and notes about stored data are the service's own words
(``core.receipts.services``), so that the page and the API say the same.
"""

from __future__ import annotations

from core.receipts.services import ADVICE, ANONYMOUS_NOTE, IDENTIFIED_NOTE, PROTECTED_NOTE

PUBLIC_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "complain_link": "Make a complaint",
        "followup_link": "Follow up a complaint with your receipt",
        "complaint_title": "Make a complaint to {name}",
        "complaint_lead": "Tell us what went wrong. Fields marked “optional” may be left empty.",
        "errors_title": "There is a problem",
        "field_subject": "Subject",
        "hint_subject": "A short summary, on one line.",
        "field_description": "What happened?",
        "hint_description": "Say what happened, when and where, and what you would like us to do.",
        "field_category": "Category (optional)",
        "category_none": "I am not sure",
        "identity_legend": "May we know who you are?",
        "identity_anonymous": "Stay anonymous: I give no name and no contact details.",
        "identity_identified": "I give my contact details so that you can reply.",
        "identity_protected": (
            "I give my contact details, but keep my identity protected: the people handling"
            " my complaint see only a pseudonym."
        ),
        "contact_legend": "Your contact details",
        "contact_hint": "Used only if you chose to give your contact details.",
        "field_name": "Name (optional)",
        "field_email": "E-mail address (optional)",
        "field_phone": "Phone number (optional)",
        "field_language": "Language of our replies",
        "field_file": "Attachment (optional)",
        "hint_file": (
            "One file of up to 10 MB, such as a photo, a PDF or a document. Programs and web"
            " pages are not accepted."
        ),
        "complaint_submit": "Send my complaint",
        "err_subject": "Enter a subject of up to 200 characters, on one line.",
        "err_description": "Describe what happened, in up to 50,000 characters.",
        "err_category": "Choose one of the categories offered.",
        "err_identity": "Choose whether to stay anonymous or to give your contact details.",
        "err_name": "Enter a name of up to 200 characters, on one line.",
        "err_email": "Enter a valid e-mail address, like name@example.org.",
        "err_phone": "Enter a phone number using only digits, spaces and + ( ) . / -",
        "err_language": "Choose one of the languages offered.",
        "err_file": (
            "The file was not accepted: send a photo, a PDF or a document of up to 10 MB."
        ),
        "err_field": "Check this answer.",
        "err_form": "The complaint could not be registered as it is. Check it and try again.",
        "receipt_title": "Your complaint has been received",
        "receipt_label": "Your receipt",
        "receipt_advice": ADVICE,
        "stored_title": "What we stored about you",
        "stored_anonymous": ANONYMOUS_NOTE,
        "stored_identified": IDENTIFIED_NOTE,
        "stored_protected": PROTECTED_NOTE,
        "followup_cta": "With your receipt you can read our replies and write to us:",
        "followup_title": "Follow up your complaint",
        "followup_lead": (
            "Enter the receipt you were given when you made the complaint. Dashes, spaces and"
            " upper or lower case do not matter."
        ),
        "field_receipt": "Receipt",
        "followup_submit": "Show my complaint",
        "unknown_receipt": "No complaint matches this receipt. Check it and try again.",
        "case_title": "Your complaint {reference}",
        "status_received": "received",
        "status_acknowledged": "acknowledged",
        "status_investigating": "being investigated",
        "status_decision_proposed": "being decided",
        "status_decision_approved": "being decided",
        "status_responded": "answered",
        "status_closed": "closed",
        "status_appealed": "under appeal",
        "status_on_hold": "on hold",
        "status_escalated": "with a supervisor",
        "status_withdrawn": "withdrawn",
        "messages_title": "Messages",
        "direction_inbound": "You wrote",
        "direction_outbound": "Our reply",
        "no_messages": "There are no messages yet.",
        "files_title": "Files you sent",
        "file_size": "{size} bytes",
        "message_title": "Send a message or a file",
        "field_message": "Message",
        "message_submit": "Send",
        "message_sent": "Your message has been added.",
        "err_message": "Write a message (up to 5,000 characters when you send a file), or choose a file.",
        "survey_title": "How did we do?",
        "survey_question": "How satisfied are you with how your complaint was handled?",
        "score_1": "very dissatisfied",
        "score_2": "dissatisfied",
        "score_3": "neither satisfied nor dissatisfied",
        "score_4": "satisfied",
        "score_5": "very satisfied",
        "field_comment": "Anything you would like to add (optional)",
        "survey_submit": "Send my answer",
        "survey_thanks": "Thank you for telling us how we did.",
        "err_score": "Choose how satisfied you are, from 1 to 5.",
        "err_survey_closed": (
            "The survey cannot be answered now: it has been answered already, or the complaint"
            " is being looked at again."
        ),
        "appeal_title": "Appeal against our answer",
        "appeal_lead": "If you think our answer is not right, you can ask for it to be reviewed.",
        "field_reason": "Why is the answer not right?",
        "appeal_submit": "Appeal",
        "appeal_sent": "Your appeal has been registered.",
        "err_reason": "Say why the answer is not right, in up to 50,000 characters.",
        "err_appeal_closed": "An appeal is not possible for this complaint at the moment.",
        "problem_title": "Your request could not be handled",
        "csrf_refused": (
            "This form has expired or was not sent from this site, so nothing was stored."
            " Go back, reload the page and send the form again."
        ),
        "too_many": "Too many requests came from here in a short time. Please wait a few minutes and try again, or write or phone instead.",
        "not_a_form": "The request was not a form we can read, so nothing was stored.",
    },
    "de": {
        "complain_link": "Beschwerde einreichen",
        "followup_link": "Beschwerde mit Ihrer Quittung weiterverfolgen",
        "complaint_title": "Beschwerde an {name}",
        "complaint_lead": "Sagen Sie uns, was schiefgelaufen ist. Felder mit „freiwillig“ können leer bleiben.",
        "errors_title": "Bitte prüfen Sie Ihre Angaben",
        "field_subject": "Betreff",
        "hint_subject": "Eine kurze Zusammenfassung in einer Zeile.",
        "field_description": "Was ist passiert?",
        "hint_description": "Schildern Sie, was wann und wo passiert ist und was wir tun sollen.",
        "field_category": "Kategorie (freiwillig)",
        "category_none": "Ich bin mir nicht sicher",
        "identity_legend": "Dürfen wir wissen, wer Sie sind?",
        "identity_anonymous": "Anonym bleiben: Ich gebe weder Namen noch Kontaktdaten an.",
        "identity_identified": "Ich gebe meine Kontaktdaten an, damit Sie mir antworten können.",
        "identity_protected": (
            "Ich gebe meine Kontaktdaten an, aber meine Identität bleibt geschützt: Wer meine"
            " Beschwerde bearbeitet, sieht nur ein Pseudonym."
        ),
        "contact_legend": "Ihre Kontaktdaten",
        "contact_hint": "Nur verwendet, wenn Sie Ihre Kontaktdaten angeben möchten.",
        "field_name": "Name (freiwillig)",
        "field_email": "E-Mail-Adresse (freiwillig)",
        "field_phone": "Telefonnummer (freiwillig)",
        "field_language": "Sprache unserer Antworten",
        "field_file": "Anhang (freiwillig)",
        "hint_file": (
            "Eine Datei bis 10 MB, etwa ein Foto, ein PDF oder ein Dokument. Programme und"
            " Webseiten werden nicht angenommen."
        ),
        "complaint_submit": "Beschwerde absenden",
        "err_subject": "Geben Sie einen Betreff mit höchstens 200 Zeichen in einer Zeile ein.",
        "err_description": "Schildern Sie, was passiert ist, in höchstens 50.000 Zeichen.",
        "err_category": "Wählen Sie eine der angebotenen Kategorien.",
        "err_identity": "Wählen Sie, ob Sie anonym bleiben oder Ihre Kontaktdaten angeben.",
        "err_name": "Geben Sie einen Namen mit höchstens 200 Zeichen in einer Zeile ein.",
        "err_email": "Geben Sie eine gültige E-Mail-Adresse ein, etwa name@example.org.",
        "err_phone": "Geben Sie eine Telefonnummer nur mit Ziffern, Leerzeichen und + ( ) . / - ein",
        "err_language": "Wählen Sie eine der angebotenen Sprachen.",
        "err_file": (
            "Die Datei wurde nicht angenommen: Senden Sie ein Foto, ein PDF oder ein Dokument"
            " bis 10 MB."
        ),
        "err_field": "Bitte prüfen Sie diese Angabe.",
        "err_form": "Die Beschwerde kann so nicht erfasst werden. Prüfen Sie sie und versuchen Sie es erneut.",
        "receipt_title": "Ihre Beschwerde ist eingegangen",
        "receipt_label": "Ihre Quittung",
        "receipt_advice": (
            "Bewahren Sie diese Quittung sicher auf. Sie wird nur dieses eine Mal angezeigt und"
            " kann nicht wiederhergestellt werden: Mit ihr können Sie unsere Antworten lesen und"
            " uns weitere Nachrichten zu Ihrer Beschwerde schicken. Wer sie hat, kann dasselbe"
            " tun; geben Sie sie deshalb nicht weiter."
        ),
        "stored_title": "Was wir über Sie gespeichert haben",
        "stored_anonymous": (
            "Sie wollten anonym bleiben: Mit Ihrer Beschwerde wurden kein Name, keine"
            " E-Mail-Adresse und keine Telefonnummer gespeichert, nur was Sie geschrieben haben."
        ),
        "stored_identified": (
            "Ihre Kontaktdaten wurden mit Ihrer Beschwerde gespeichert, damit wir Ihnen antworten"
            " können."
        ),
        "stored_protected": (
            "Ihre Kontaktdaten wurden verschlüsselt gespeichert, damit wir Ihnen antworten können."
            " Wer Ihre Beschwerde bearbeitet, kennt Sie nur unter einem Pseudonym; Ihre Identität"
            " wird nur mit dokumentiertem Grund und Zustimmung einer Vorgesetzten oder eines"
            " Vorgesetzten offengelegt, und das wird protokolliert."
        ),
        "followup_cta": "Mit Ihrer Quittung können Sie unsere Antworten lesen und uns schreiben:",
        "followup_title": "Beschwerde weiterverfolgen",
        "followup_lead": (
            "Geben Sie die Quittung ein, die Sie beim Einreichen erhalten haben. Bindestriche,"
            " Leerzeichen sowie Groß- und Kleinschreibung spielen keine Rolle."
        ),
        "field_receipt": "Quittung",
        "followup_submit": "Meine Beschwerde anzeigen",
        "unknown_receipt": "Zu dieser Quittung gibt es keine Beschwerde. Prüfen Sie sie und versuchen Sie es erneut.",
        "case_title": "Ihre Beschwerde {reference}",
        "status_received": "eingegangen",
        "status_acknowledged": "bestätigt",
        "status_investigating": "in Prüfung",
        "status_decision_proposed": "in Entscheidung",
        "status_decision_approved": "in Entscheidung",
        "status_responded": "beantwortet",
        "status_closed": "abgeschlossen",
        "status_appealed": "im Einspruchsverfahren",
        "status_on_hold": "zurückgestellt",
        "status_escalated": "bei einer Vorgesetzten oder einem Vorgesetzten",
        "status_withdrawn": "zurückgezogen",
        "messages_title": "Nachrichten",
        "direction_inbound": "Sie schrieben",
        "direction_outbound": "Unsere Antwort",
        "no_messages": "Es gibt noch keine Nachrichten.",
        "files_title": "Von Ihnen gesendete Dateien",
        "file_size": "{size} Byte",
        "message_title": "Nachricht oder Datei senden",
        "field_message": "Nachricht",
        "message_submit": "Senden",
        "message_sent": "Ihre Nachricht wurde hinzugefügt.",
        "err_message": "Schreiben Sie eine Nachricht (mit Datei höchstens 5.000 Zeichen) oder wählen Sie eine Datei.",
        "survey_title": "Wie zufrieden waren Sie?",
        "survey_question": "Wie zufrieden sind Sie mit der Bearbeitung Ihrer Beschwerde?",
        "score_1": "sehr unzufrieden",
        "score_2": "unzufrieden",
        "score_3": "weder zufrieden noch unzufrieden",
        "score_4": "zufrieden",
        "score_5": "sehr zufrieden",
        "field_comment": "Möchten Sie noch etwas hinzufügen? (freiwillig)",
        "survey_submit": "Antwort senden",
        "survey_thanks": "Vielen Dank für Ihre Rückmeldung.",
        "err_score": "Bitte wählen Sie, wie zufrieden Sie sind, von 1 bis 5.",
        "err_survey_closed": (
            "Die Umfrage kann jetzt nicht beantwortet werden: Sie wurde schon beantwortet, oder"
            " die Beschwerde wird erneut geprüft."
        ),
        "appeal_title": "Einspruch gegen unsere Antwort",
        "appeal_lead": "Wenn Sie unsere Antwort für falsch halten, können Sie eine Überprüfung verlangen.",
        "field_reason": "Warum ist die Antwort nicht richtig?",
        "appeal_submit": "Einspruch einlegen",
        "appeal_sent": "Ihr Einspruch wurde erfasst.",
        "err_reason": "Sagen Sie in höchstens 50.000 Zeichen, warum die Antwort nicht richtig ist.",
        "err_appeal_closed": "Ein Einspruch ist bei dieser Beschwerde derzeit nicht möglich.",
        "problem_title": "Ihre Anfrage konnte nicht bearbeitet werden",
        "csrf_refused": (
            "Dieses Formular ist abgelaufen oder wurde nicht von dieser Website gesendet; es wurde"
            " nichts gespeichert. Gehen Sie zurück, laden Sie die Seite neu und senden Sie das"
            " Formular noch einmal."
        ),
        "too_many": "Von hier kamen in kurzer Zeit zu viele Anfragen. Bitte warten Sie einige Minuten und versuchen Sie es erneut, oder schreiben oder rufen Sie uns an.",
        "not_a_form": "Die Anfrage war kein lesbares Formular; es wurde nichts gespeichert.",
    },
    "ru": {
        "complain_link": "Подать жалобу",
        "followup_link": "Узнать о жалобе по квитанции",
        "complaint_title": "Жалоба в {name}",
        "complaint_lead": "Расскажите, что пошло не так. Поля с пометкой «необязательно» можно оставить пустыми.",
        "errors_title": "Проверьте введённые данные",
        "field_subject": "Тема",
        "hint_subject": "Краткое изложение в одну строку.",
        "field_description": "Что произошло?",
        "hint_description": "Опишите, что, когда и где произошло и что, по-вашему, нам следует сделать.",
        "field_category": "Категория (необязательно)",
        "category_none": "Не знаю",
        "identity_legend": "Можно ли нам знать, кто вы?",
        "identity_anonymous": "Остаться анонимным: я не указываю ни имени, ни контактов.",
        "identity_identified": "Я указываю свои контакты, чтобы вы могли мне ответить.",
        "identity_protected": (
            "Я указываю свои контакты, но моя личность остаётся защищённой: те, кто"
            " рассматривает жалобу, видят только псевдоним."
        ),
        "contact_legend": "Ваши контактные данные",
        "contact_hint": "Используются, только если вы решили указать свои контакты.",
        "field_name": "Имя (необязательно)",
        "field_email": "Адрес электронной почты (необязательно)",
        "field_phone": "Номер телефона (необязательно)",
        "field_language": "Язык наших ответов",
        "field_file": "Вложение (необязательно)",
        "hint_file": (
            "Один файл размером до 10 МБ, например фотография, PDF или документ. Программы и"
            " веб-страницы не принимаются."
        ),
        "complaint_submit": "Отправить жалобу",
        "err_subject": "Укажите тему длиной не более 200 символов в одну строку.",
        "err_description": "Опишите, что произошло, не более чем в 50 000 символах.",
        "err_category": "Выберите одну из предложенных категорий.",
        "err_identity": "Выберите, остаться ли анонимным или указать свои контакты.",
        "err_name": "Укажите имя длиной не более 200 символов в одну строку.",
        "err_email": "Укажите правильный адрес электронной почты, например name@example.org.",
        "err_phone": "Укажите номер телефона, используя только цифры, пробелы и + ( ) . / -",
        "err_language": "Выберите один из предложенных языков.",
        "err_file": "Файл не принят: отправьте фотографию, PDF или документ размером до 10 МБ.",
        "err_field": "Проверьте этот ответ.",
        "err_form": "Жалобу нельзя зарегистрировать в таком виде. Проверьте её и попробуйте ещё раз.",
        "receipt_title": "Ваша жалоба получена",
        "receipt_label": "Ваша квитанция",
        "receipt_advice": (
            "Сохраните эту квитанцию в надёжном месте. Она показывается только один раз и не"
            " может быть восстановлена: с её помощью вы можете читать наши ответы и отправлять"
            " новые сообщения по своей жалобе. Любой, у кого она есть, может делать то же самое,"
            " поэтому никому её не передавайте."
        ),
        "stored_title": "Что мы сохранили о вас",
        "stored_anonymous": (
            "Вы решили остаться анонимным: вместе с жалобой не сохранены ни имя, ни адрес"
            " электронной почты, ни номер телефона. Хранится только то, что вы написали."
        ),
        "stored_identified": "Ваши контактные данные сохранены вместе с жалобой, чтобы мы могли ответить.",
        "stored_protected": (
            "Ваши контактные данные сохранены в зашифрованном виде, чтобы мы могли ответить. Те,"
            " кто рассматривает жалобу, знают вас только под псевдонимом; раскрыть вашу личность"
            " можно лишь с записанным обоснованием и одобрением руководителя, и это"
            " протоколируется."
        ),
        "followup_cta": "С квитанцией вы можете читать наши ответы и писать нам:",
        "followup_title": "Узнать о своей жалобе",
        "followup_lead": (
            "Введите квитанцию, полученную при подаче жалобы. Дефисы, пробелы и регистр букв"
            " значения не имеют."
        ),
        "field_receipt": "Квитанция",
        "followup_submit": "Показать мою жалобу",
        "unknown_receipt": "Жалобы с такой квитанцией нет. Проверьте её и попробуйте ещё раз.",
        "case_title": "Ваша жалоба {reference}",
        "status_received": "получена",
        "status_acknowledged": "получение подтверждено",
        "status_investigating": "рассматривается",
        "status_decision_proposed": "принимается решение",
        "status_decision_approved": "принимается решение",
        "status_responded": "дан ответ",
        "status_closed": "закрыта",
        "status_appealed": "обжалуется",
        "status_on_hold": "приостановлена",
        "status_escalated": "передана руководителю",
        "status_withdrawn": "отозвана",
        "messages_title": "Сообщения",
        "direction_inbound": "Вы написали",
        "direction_outbound": "Наш ответ",
        "no_messages": "Сообщений пока нет.",
        "files_title": "Отправленные вами файлы",
        "file_size": "{size} байт",
        "message_title": "Отправить сообщение или файл",
        "field_message": "Сообщение",
        "message_submit": "Отправить",
        "message_sent": "Ваше сообщение добавлено.",
        "err_message": "Напишите сообщение (не более 5000 символов, если отправляете файл) или выберите файл.",
        "survey_title": "Как мы справились?",
        "survey_question": "Насколько вы довольны тем, как была рассмотрена ваша жалоба?",
        "score_1": "совсем не доволен",
        "score_2": "не доволен",
        "score_3": "ни доволен, ни недоволен",
        "score_4": "доволен",
        "score_5": "очень доволен",
        "field_comment": "Что вы хотели бы добавить (необязательно)",
        "survey_submit": "Отправить ответ",
        "survey_thanks": "Спасибо, что оценили нашу работу.",
        "err_score": "Выберите, насколько вы довольны, от 1 до 5.",
        "err_survey_closed": (
            "Сейчас ответить на опрос нельзя: на него уже ответили, или жалоба рассматривается"
            " повторно."
        ),
        "appeal_title": "Обжаловать наш ответ",
        "appeal_lead": "Если вы считаете наш ответ неверным, вы можете попросить его пересмотреть.",
        "field_reason": "Почему ответ неверен?",
        "appeal_submit": "Обжаловать",
        "appeal_sent": "Ваша апелляция зарегистрирована.",
        "err_reason": "Объясните, почему ответ неверен, не более чем в 50 000 символах.",
        "err_appeal_closed": "Сейчас обжаловать ответ по этой жалобе нельзя.",
        "problem_title": "Не удалось обработать запрос",
        "csrf_refused": (
            "Срок действия формы истёк, или она отправлена не с этого сайта, поэтому ничего не"
            " сохранено. Вернитесь назад, обновите страницу и отправьте форму ещё раз."
        ),
        "too_many": "Отсюда поступило слишком много запросов за короткое время. Подождите несколько минут и попробуйте снова или напишите либо позвоните нам.",
        "not_a_form": "Запрос не является читаемой формой, поэтому ничего не сохранено.",
    },
    "et": {
        "complain_link": "Esita kaebus",
        "followup_link": "Jälgi kaebust kviitungi abil",
        "complaint_title": "Kaebus: {name}",
        "complaint_lead": "Kirjeldage, mis läks valesti. Märkega „valikuline“ välja võib tühjaks jätta.",
        "errors_title": "Palun kontrollige sisestatut",
        "field_subject": "Teema",
        "hint_subject": "Lühike kokkuvõte ühel real.",
        "field_description": "Mis juhtus?",
        "hint_description": "Kirjeldage, mis, millal ja kus juhtus ning mida peaksime teie arvates tegema.",
        "field_category": "Kategooria (valikuline)",
        "category_none": "Ma ei tea",
        "identity_legend": "Kas tohime teada, kes te olete?",
        "identity_anonymous": "Jään anonüümseks: ma ei anna nime ega kontaktandmeid.",
        "identity_identified": "Annan oma kontaktandmed, et saaksite mulle vastata.",
        "identity_protected": (
            "Annan oma kontaktandmed, kuid minu isik jääb kaitstuks: kaebuse menetlejad näevad"
            " ainult pseudonüümi."
        ),
        "contact_legend": "Teie kontaktandmed",
        "contact_hint": "Kasutatakse ainult siis, kui otsustasite oma kontaktandmed anda.",
        "field_name": "Nimi (valikuline)",
        "field_email": "E-posti aadress (valikuline)",
        "field_phone": "Telefoninumber (valikuline)",
        "field_language": "Meie vastuste keel",
        "field_file": "Manus (valikuline)",
        "hint_file": (
            "Üks kuni 10 MB fail, näiteks foto, PDF või dokument. Programme ja veebilehti vastu"
            " ei võeta."
        ),
        "complaint_submit": "Saada kaebus",
        "err_subject": "Sisestage kuni 200 märgi pikkune teema ühel real.",
        "err_description": "Kirjeldage juhtunut kuni 50 000 märgiga.",
        "err_category": "Valige üks pakutud kategooriatest.",
        "err_identity": "Valige, kas jääte anonüümseks või annate oma kontaktandmed.",
        "err_name": "Sisestage kuni 200 märgi pikkune nimi ühel real.",
        "err_email": "Sisestage kehtiv e-posti aadress, näiteks name@example.org.",
        "err_phone": "Sisestage telefoninumber, kasutades ainult numbreid, tühikuid ja märke + ( ) . / -",
        "err_language": "Valige üks pakutud keeltest.",
        "err_file": "Faili ei võetud vastu: saatke kuni 10 MB foto, PDF või dokument.",
        "err_field": "Palun kontrollige seda vastust.",
        "err_form": "Kaebust ei saa sellisel kujul registreerida. Kontrollige seda ja proovige uuesti.",
        "receipt_title": "Teie kaebus on kätte saadud",
        "receipt_label": "Teie kviitung",
        "receipt_advice": (
            "Hoidke see kviitung kindlas kohas. Seda näidatakse ainult see üks kord ja seda ei saa"
            " taastada: selle abil saate lugeda meie vastuseid ja saata oma kaebuse kohta uusi"
            " sõnumeid. Igaüks, kellel see on, saab teha sama, seega ärge jagage seda kellegagi."
        ),
        "stored_title": "Mida me teie kohta salvestasime",
        "stored_anonymous": (
            "Otsustasite jääda anonüümseks: teie kaebusega ei salvestatud nime, e-posti aadressi"
            " ega telefoninumbrit. Alles hoitakse ainult see, mida te kirjutasite."
        ),
        "stored_identified": "Teie kontaktandmed salvestati koos kaebusega, et saaksime teile vastata.",
        "stored_protected": (
            "Teie kontaktandmed salvestati krüpteeritult, et saaksime teile vastata. Kaebuse"
            " menetlejad tunnevad teid ainult pseudonüümi järgi; teie isiku avalikustamiseks on"
            " vaja kirja pandud põhjust ja juhi nõusolekut ning see logitakse."
        ),
        "followup_cta": "Kviitungi abil saate lugeda meie vastuseid ja meile kirjutada:",
        "followup_title": "Jälgi oma kaebust",
        "followup_lead": (
            "Sisestage kviitung, mille saite kaebuse esitamisel. Sidekriipsud, tühikud ning suur-"
            " ja väiketähed ei ole olulised."
        ),
        "field_receipt": "Kviitung",
        "followup_submit": "Näita minu kaebust",
        "unknown_receipt": "Selle kviitungiga kaebust ei leitud. Kontrollige seda ja proovige uuesti.",
        "case_title": "Teie kaebus {reference}",
        "status_received": "kätte saadud",
        "status_acknowledged": "kinnitatud",
        "status_investigating": "menetluses",
        "status_decision_proposed": "otsustamisel",
        "status_decision_approved": "otsustamisel",
        "status_responded": "vastatud",
        "status_closed": "suletud",
        "status_appealed": "vaidlustatud",
        "status_on_hold": "ootel",
        "status_escalated": "juhi käes",
        "status_withdrawn": "tagasi võetud",
        "messages_title": "Sõnumid",
        "direction_inbound": "Teie kirjutasite",
        "direction_outbound": "Meie vastus",
        "no_messages": "Sõnumeid veel ei ole.",
        "files_title": "Teie saadetud failid",
        "file_size": "{size} baiti",
        "message_title": "Saada sõnum või fail",
        "field_message": "Sõnum",
        "message_submit": "Saada",
        "message_sent": "Teie sõnum on lisatud.",
        "err_message": "Kirjutage sõnum (faili saatmisel kuni 5000 märki) või valige fail.",
        "survey_title": "Kuidas meil läks?",
        "survey_question": "Kui rahul olete oma kaebuse menetlemisega?",
        "score_1": "väga rahulolematu",
        "score_2": "rahulolematu",
        "score_3": "ei rahul ega rahulolematu",
        "score_4": "rahul",
        "score_5": "väga rahul",
        "field_comment": "Mida soovite lisada (valikuline)",
        "survey_submit": "Saada vastus",
        "survey_thanks": "Aitäh, et andsite meile tagasisidet.",
        "err_score": "Valige, kui rahul te olete, 1 kuni 5.",
        "err_survey_closed": (
            "Küsitlusele ei saa praegu vastata: sellele on juba vastatud või kaebust vaadatakse"
            " uuesti läbi."
        ),
        "appeal_title": "Vaidlusta meie vastus",
        "appeal_lead": "Kui peate meie vastust valeks, võite paluda selle uuesti läbi vaadata.",
        "field_reason": "Miks vastus ei ole õige?",
        "appeal_submit": "Vaidlusta",
        "appeal_sent": "Teie vaidlustus on registreeritud.",
        "err_reason": "Selgitage kuni 50 000 märgiga, miks vastus ei ole õige.",
        "err_appeal_closed": "Selle kaebuse vastust ei saa praegu vaidlustada.",
        "problem_title": "Teie päringut ei saanud töödelda",
        "csrf_refused": (
            "See vorm on aegunud või ei saadetud sellelt saidilt, seega midagi ei salvestatud."
            " Minge tagasi, laadige leht uuesti ja saatke vorm veel kord."
        ),
        "too_many": "Siit saabus lühikese aja jooksul liiga palju päringuid. Oodake mõni minut ja proovige uuesti või kirjutage või helistage meile.",
        "not_a_form": "Päring ei olnud loetav vorm, seega midagi ei salvestatud.",
    },
}
