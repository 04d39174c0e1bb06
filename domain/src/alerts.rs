//! How each operator wants to be alerted in the inbox: for every kind of
//! event, whether to play a sound, show a browser notification and count it
//! in the tab's title. Kept per operator as JSON; every field has a default,
//! so settings stored before a kind existed still parse, and that kind
//! starts with the defaults.

use serde::{Deserialize, Serialize};

/// What an alert is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A visitor started a conversation in one of my channels.
    NewConversation,
    /// A conversation of my channels waits in the queue: nobody has it and
    /// no operator online has room.
    Queued,
    /// A visitor wrote in a conversation of mine (or one nobody has).
    Message,
    /// A conversation became mine (routed or transferred).
    Assigned,
    /// A colleague mentioned me in a note.
    Mentioned,
}

impl AlertKind {
    pub const ALL: [AlertKind; 5] = [
        AlertKind::NewConversation,
        AlertKind::Queued,
        AlertKind::Message,
        AlertKind::Assigned,
        AlertKind::Mentioned,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AlertKind::NewConversation => "New conversation",
            AlertKind::Queued => "Visitor waiting in the queue",
            AlertKind::Message => "New message in my conversations",
            AlertKind::Assigned => "Assigned to me",
            AlertKind::Mentioned => "Mentioned in a note",
        }
    }

    /// A stable name for ids and test selectors.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::NewConversation => "new_conversation",
            AlertKind::Queued => "queued",
            AlertKind::Message => "message",
            AlertKind::Assigned => "assigned",
            AlertKind::Mentioned => "mentioned",
        }
    }
}

/// The ways one kind of event alerts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertChoice {
    pub sound: bool,
    pub notification: bool,
    /// Counts in the page title while the tab is hidden.
    pub title: bool,
}

impl Default for AlertChoice {
    fn default() -> Self {
        Self {
            sound: true,
            notification: true,
            title: true,
        }
    }
}

/// One of the three ways, to read or change it by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AlertWay {
    Sound,
    Notification,
    Title,
}

impl AlertWay {
    pub const ALL: [AlertWay; 3] = [AlertWay::Sound, AlertWay::Notification, AlertWay::Title];

    pub fn label(self) -> &'static str {
        match self {
            AlertWay::Sound => "Sound",
            AlertWay::Notification => "Notification",
            AlertWay::Title => "Title count",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AlertWay::Sound => "sound",
            AlertWay::Notification => "notification",
            AlertWay::Title => "title",
        }
    }
}

impl AlertChoice {
    pub fn get(self, way: AlertWay) -> bool {
        match way {
            AlertWay::Sound => self.sound,
            AlertWay::Notification => self.notification,
            AlertWay::Title => self.title,
        }
    }

    pub fn set(&mut self, way: AlertWay, on: bool) {
        match way {
            AlertWay::Sound => self.sound = on,
            AlertWay::Notification => self.notification = on,
            AlertWay::Title => self.title = on,
        }
    }
}

/// An operator's alert settings. The defaults alert every way for every
/// kind while the inbox tab is hidden, and stay quiet while it is visible.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertSettings {
    pub new_conversation: AlertChoice,
    pub queued: AlertChoice,
    pub message: AlertChoice,
    pub assigned: AlertChoice,
    pub mentioned: AlertChoice,
    /// Plays the sound while the inbox tab is visible too (notifications
    /// and the title count are for a hidden tab only).
    pub sound_when_visible: bool,
}

impl AlertSettings {
    pub fn choice(&self, kind: AlertKind) -> AlertChoice {
        match kind {
            AlertKind::NewConversation => self.new_conversation,
            AlertKind::Queued => self.queued,
            AlertKind::Message => self.message,
            AlertKind::Assigned => self.assigned,
            AlertKind::Mentioned => self.mentioned,
        }
    }

    pub fn choice_mut(&mut self, kind: AlertKind) -> &mut AlertChoice {
        match kind {
            AlertKind::NewConversation => &mut self.new_conversation,
            AlertKind::Queued => &mut self.queued,
            AlertKind::Message => &mut self.message,
            AlertKind::Assigned => &mut self.assigned,
            AlertKind::Mentioned => &mut self.mentioned,
        }
    }

    /// Whether `kind` alerts `way` now, with the tab `visible` or not.
    pub fn wants(&self, kind: AlertKind, way: AlertWay, visible: bool) -> bool {
        let on = self.choice(kind).get(way);
        match way {
            AlertWay::Sound => on && (!visible || self.sound_when_visible),
            AlertWay::Notification | AlertWay::Title => on && !visible,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_alert_every_way_while_hidden_and_stay_quiet_while_visible() {
        let s = AlertSettings::default();
        for kind in AlertKind::ALL {
            for way in AlertWay::ALL {
                assert!(s.wants(kind, way, false), "{kind:?} {way:?} hidden");
                assert!(!s.wants(kind, way, true), "{kind:?} {way:?} visible");
            }
        }
    }

    #[test]
    fn sound_when_visible_plays_only_the_sound() {
        let mut s = AlertSettings {
            sound_when_visible: true,
            ..Default::default()
        };
        assert!(s.wants(AlertKind::Message, AlertWay::Sound, true));
        assert!(!s.wants(AlertKind::Message, AlertWay::Notification, true));
        assert!(!s.wants(AlertKind::Message, AlertWay::Title, true));
        s.choice_mut(AlertKind::Message).set(AlertWay::Sound, false);
        assert!(!s.wants(AlertKind::Message, AlertWay::Sound, true));
        assert!(!s.wants(AlertKind::Message, AlertWay::Sound, false));
        assert!(s.wants(AlertKind::Message, AlertWay::Notification, false));
        assert!(s.wants(AlertKind::Queued, AlertWay::Sound, true));
    }

    #[test]
    fn settings_stored_before_a_kind_existed_give_it_the_defaults() {
        // As an older version stored them: no `queued`, no `mentioned`,
        // and a choice missing a way.
        let old = r#"{"new_conversation":{"sound":false,"notification":true,"title":true},
                      "message":{"sound":false},
                      "assigned":{"sound":true,"notification":false,"title":false}}"#;
        let s: AlertSettings = serde_json::from_str(old).expect("parses");
        assert!(!s.new_conversation.sound);
        assert_eq!(
            s.message,
            AlertChoice {
                sound: false,
                notification: true,
                title: true
            }
        );
        assert!(!s.assigned.notification);
        assert_eq!(s.queued, AlertChoice::default());
        assert_eq!(s.mentioned, AlertChoice::default());
        assert!(!s.sound_when_visible);
    }

    #[test]
    fn unknown_fields_from_a_newer_version_are_ignored() {
        let newer = r#"{"message":{"sound":false,"vibrate":true},"transferred":{"sound":false}}"#;
        let s: AlertSettings = serde_json::from_str(newer).expect("parses");
        assert!(!s.message.sound);
        assert!(s.queued.sound);
    }

    #[test]
    fn empty_settings_are_the_defaults() {
        let s: AlertSettings = serde_json::from_str("{}").expect("parses");
        assert_eq!(s, AlertSettings::default());
    }

    #[test]
    fn settings_round_trip() {
        let mut s = AlertSettings::default();
        s.choice_mut(AlertKind::Queued).set(AlertWay::Title, false);
        s.sound_when_visible = true;
        let json = serde_json::to_string(&s).expect("serialises");
        let back: AlertSettings = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, s);
    }
}
