//! A team's public website form over HTTP, as a browser without JavaScript
//! uses it: the page in the asked language, escaped, with the honeypot;
//! a refused post that keeps every answer; a ticket; the honeypot; the
//! per-address limit; and a form that is off.

use crate::common::start;
use chat_core::help_forms::FORM_SUBMISSIONS;
use parlor_domain::{FieldKind, FormField, HelpForm, TeamInput, TicketFilter};

#[tokio::test(flavor = "multi_thread")]
async fn the_public_form_without_javascript() {
    let s = start().await;
    let admin = s.admin().await;
    let parlor = &s.state.parlor;
    let team = parlor
        .teams()
        .create(
            &admin,
            TeamInput {
                name: "Support <script>x()</script>".into(),
                ..TeamInput::default()
            },
        )
        .await
        .unwrap();
    let path = format!("/help/{}/new", team.id.0);
    let closed = s.client.get(s.url(&path)).send().await.unwrap();
    assert_eq!(closed.status(), 404, "the form is off");

    let input = TeamInput {
        web_form: true,
        ..team.input()
    };
    parlor.teams().update(&admin, team.id, input).await.unwrap();
    parlor
        .help_forms()
        .save(
            &admin,
            team.id,
            HelpForm {
                fields: vec![FormField {
                    kind: FieldKind::Url,
                    label: "Order <page>".into(),
                    required: true,
                    ..FormField::default()
                }],
            },
        )
        .await
        .unwrap();

    let page = s
        .client
        .get(s.url(&format!("{path}?lang=fr")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<html lang="fr" dir="ltr""#), "{html}");
    assert!(
        html.contains("Support &lt;script&gt;x()&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("Order &lt;page&gt;"), "{html}");
    assert!(html.contains(r#"name="website""#), "the honeypot");
    let request = html
        .split(r#"name="request" value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let hebrew = s
        .client
        .get(s.url(&path))
        .header("Accept-Language", "he-IL,he;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(hebrew.contains(r#"<html lang="he" dir="rtl""#));

    // Refused: every answer is kept, the problem is beside its field.
    let post = |form: Vec<(&'static str, String)>| {
        let client = s.client.clone();
        let url = s.url(&format!("{path}?lang=en"));
        async move { client.post(url).form(&form).send().await.unwrap() }
    };
    let answers = |url: &str, request: &str| {
        vec![
            ("request", request.to_string()),
            ("name", "Dee \"<b>\"".to_string()),
            ("email", "dee@customer.test".to_string()),
            ("subject", "Lost <i>parcel</i>".to_string()),
            (
                "message",
                "Where is it?\n</textarea><script>x()</script>".to_string(),
            ),
            ("f0", url.to_string()),
            ("website", String::new()),
        ]
    };
    let refused = post(answers("javascript:alert(1)", &request)).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("Please enter a web address"), "{html}");
    assert!(
        html.contains(r#"value="Dee &quot;&lt;b&gt;&quot;""#),
        "{html}"
    );
    assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;"), "{html}");
    assert!(html.contains(r#"aria-invalid="true""#), "{html}");

    let made = post(answers("https://shop.example/order/7", &request)).await;
    assert_eq!(made.status(), 200);
    let html = made.text().await.unwrap();
    let tickets = parlor
        .tickets()
        .list(&admin, &TicketFilter::default())
        .await
        .unwrap();
    assert_eq!(tickets.len(), 1);
    let number = tickets[0].number.0;
    assert!(html.contains(&format!("ticket #{number}")), "{html}");
    assert_eq!(tickets[0].title, "Lost <i>parcel</i>");
    // The same page sent twice: still one ticket.
    post(answers("https://shop.example/order/7", &request)).await;
    let count = |parlor: &chat_core::Parlor| {
        let parlor = parlor.clone();
        let admin = admin.clone();
        async move {
            parlor
                .tickets()
                .list(&admin, &TicketFilter::default())
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(count(parlor).await, 1);

    // A bot fills the hidden field: thanked, nothing made.
    let mut bot = answers("https://x.example", "00000000-0000-4000-8000-000000000001");
    bot.retain(|(k, _)| *k != "website");
    bot.push(("website", "https://spam.example".into()));
    assert_eq!(post(bot).await.status(), 200);
    assert_eq!(count(parlor).await, 1);

    // One address: a few, then 429.
    let mut last = 0;
    for i in 0..=FORM_SUBMISSIONS {
        let id = format!("00000000-0000-4000-8000-{:012}", 100 + i);
        last = post(answers("https://shop.example/o", &id))
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
}
