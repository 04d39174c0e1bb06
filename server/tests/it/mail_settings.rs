//! Settings → Mail over the app's API: admins only, and a saved password
//! never in any answer.

use crate::common::{sign_in, start, PASSWORD};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn mail_settings_are_for_admins_and_keep_passwords_to_themselves() {
    let s = start().await;
    let admin = sign_in(&s.base, "admin@test.example", PASSWORD).await;
    let (_, operator) = s.operator("Opal").await;
    let (status, _) = s.api(Some(&operator), "settings/mail", None).await;
    assert_eq!(status, 403);
    let (status, _) = s.api(None, "settings/mail", None).await;
    assert_eq!(status, 401);

    let settings = json!({"settings": {
        "outgoing": {"on": true, "server": {"host": "smtp.example.com", "port": 587,
            "security": "starttls", "user": "desk@example.com"}, "password": "pa55-word-secret"},
        "from": "desk@example.com", "from_name": "Desk",
        "incoming": {"on": false, "server": {"host": "", "port": 0, "security": "tls", "user": ""},
            "password": null},
        "mailbox": "INBOX", "refused_folder": "Parlor refused", "poll_secs": 30}});
    let (status, saved) = s
        .api(Some(&admin), "settings/mail/save", Some(settings.clone()))
        .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["outgoing"]["password_set"], true);
    let (status, read) = s.api(Some(&admin), "settings/mail", None).await;
    assert_eq!(status, 200);
    for answer in [&saved, &read] {
        assert!(!answer.to_string().contains("pa55-word-secret"), "{answer}");
    }
    assert_eq!(read["outgoing"]["server"]["host"], "smtp.example.com");

    // A bad value: refused beside its field, nothing changed.
    let mut bad = settings.clone();
    bad["settings"]["outgoing"]["server"]["port"] = json!(0);
    let (status, answer) = s.api(Some(&admin), "settings/mail/save", Some(bad)).await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer.to_string().contains("port"), "{answer}");
}
