//! Rows to domain values and ids to parameters, once for both backends. The
//! two differ only in how a UUID is kept (SQLite as text, PostgreSQL as
//! `uuid`), which [`DbRow`] and [`Key`] hide; everything else is written
//! against them.

use super::StoreError;
use parlor_domain::{
    Author, ChannelDepartments, ChannelSettings, Conversation, ConversationRating,
    ConversationStatus, ConversationSummary, HexColor, Message, Role, Seq, User, UserId,
    VisitorProfile,
};
use parlor_protocol::live::Rating;
use parlor_protocol::{ConversationMode, Theme};
use sqlx::Row;
use uuid::Uuid;

pub(super) trait DbRow {
    fn text(&self, col: &str) -> Result<String, StoreError>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError>;
    fn int(&self, col: &str) -> Result<i64, StoreError>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError>;
    fn opt_uuid(&self, col: &str) -> Result<Option<Uuid>, StoreError>;

    fn uuid(&self, col: &str) -> Result<Uuid, StoreError> {
        self.opt_uuid(col)?
            .ok_or_else(|| StoreError::Corrupt(format!("{col} is null")))
    }
}

impl DbRow for sqlx::sqlite::SqliteRow {
    fn text(&self, col: &str) -> Result<String, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn int(&self, col: &str) -> Result<i64, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn opt_uuid(&self, col: &str) -> Result<Option<Uuid>, StoreError> {
        self.opt_text(col)?
            .map(|s| Uuid::parse_str(&s).map_err(|_| StoreError::Corrupt(format!("{col} {s:?}"))))
            .transpose()
    }
}

impl DbRow for sqlx::postgres::PgRow {
    fn text(&self, col: &str) -> Result<String, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn int(&self, col: &str) -> Result<i64, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn opt_uuid(&self, col: &str) -> Result<Option<Uuid>, StoreError> {
        Ok(self.try_get(col)?)
    }
}

/// A UUID id as a statement parameter: text in SQLite, `uuid` in PostgreSQL.
#[derive(Clone, Copy, Debug)]
pub(super) struct Key(pub Uuid);

impl sqlx::Type<sqlx::Sqlite> for Key {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <String as sqlx::Type<sqlx::Sqlite>>::type_info()
    }
}

impl<'q> sqlx::Encode<'q, sqlx::Sqlite> for Key {
    fn encode_by_ref(
        &self,
        buf: &mut Vec<sqlx::sqlite::SqliteArgumentValue<'q>>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as sqlx::Encode<'q, sqlx::Sqlite>>::encode(self.0.to_string(), buf)
    }
}

impl sqlx::Type<sqlx::Postgres> for Key {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <Uuid as sqlx::Type<sqlx::Postgres>>::type_info()
    }
}

impl sqlx::Encode<'_, sqlx::Postgres> for Key {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <Uuid as sqlx::Encode<'_, sqlx::Postgres>>::encode_by_ref(&self.0, buf)
    }
}

pub(super) const USER_COLUMNS: &str = "id, email, display_name, role";

pub(super) fn user(row: &impl DbRow) -> Result<User, StoreError> {
    let role = row.text("role")?;
    Ok(User {
        id: UserId(row.int("id")?),
        email: row.text("email")?,
        display_name: row.text("display_name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
    })
}

pub(super) fn color(row: &impl DbRow, col: &str) -> Result<HexColor, StoreError> {
    let s = row.text(col)?;
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("{col} {s:?}")))
}

pub(super) fn settings(row: &impl DbRow) -> Result<ChannelSettings, StoreError> {
    Ok(ChannelSettings {
        name: row.text("name")?,
        window_title: row.text("window_title")?,
        notification_text: row.text("notification_text")?,
        button_color: color(row, "button_color")?,
        header_color: color(row, "header_color")?,
        welcome_message: row.text("welcome_message")?,
        input_placeholder: row.text("input_placeholder")?,
        theme: parsed(row, "theme", Theme::parse)?,
        conversation_mode: parsed(row, "conversation_mode", ConversationMode::parse)?,
    })
}

/// A text column holding one of an enum's names.
pub(super) fn parsed<T>(
    row: &impl DbRow,
    col: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    let text = row.text(col)?;
    parse(&text).ok_or_else(|| StoreError::Corrupt(format!("{col} {text:?}")))
}

/// A visitor's profile from `visitors` columns named with `prefix`.
pub(super) fn visitor_profile(
    row: &impl DbRow,
    prefix: &str,
) -> Result<VisitorProfile, StoreError> {
    let col = |c: &str| format!("{prefix}{c}");
    Ok(VisitorProfile {
        name: row.opt_text(&col("name"))?,
        email: row.opt_text(&col("email"))?,
        external_id: row.opt_text(&col("external_id"))?,
        verified: row.int(&col("verified"))? != 0,
        fields: json(row, &col("custom_fields"))?,
        claim: match row.opt_text(&col("identity_claim"))? {
            Some(_) => Some(json(row, &col("identity_claim"))?),
            None => None,
        },
    })
}

/// A JSON column (channel rules, embedding).
pub(super) fn json<T: serde::de::DeserializeOwned>(
    row: &impl DbRow,
    col: &str,
) -> Result<T, StoreError> {
    let text = row.text(col)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

/// A value for a JSON column.
pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(super) fn conversation(row: &impl DbRow) -> Result<Conversation, StoreError> {
    let status = row.text("status")?;
    Ok(Conversation {
        id: parlor_domain::ConversationId(row.uuid("id")?),
        channel: parlor_domain::ChannelId(row.uuid("channel_id")?),
        visitor: parlor_domain::VisitorId(row.uuid("visitor_id")?),
        status: ConversationStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?,
        assignee: row.opt_int("assignee_id")?.map(UserId),
        last_seq: Seq(row.int("last_seq")? as u64),
        created_at: row.int("created_at")?,
        rating: rating(row)?,
        offline: row.int("offline")? != 0,
        read_seq: Seq(row.int("read_seq")? as u64),
        visitor_read_seq: Seq(row.int("visitor_read_seq")? as u64),
    })
}

fn rating(row: &impl DbRow) -> Result<Option<ConversationRating>, StoreError> {
    let Some(text) = row.opt_text("rating")? else {
        return Ok(None);
    };
    Ok(Some(ConversationRating {
        rating: Rating::parse(&text)
            .ok_or_else(|| StoreError::Corrupt(format!("rating {text:?}")))?,
        comment: row.opt_text("rating_comment")?.unwrap_or_default(),
        rated_at: row.opt_int("rated_at")?.unwrap_or_default(),
    }))
}

pub(super) fn staff_presence(row: &impl DbRow) -> Result<super::StaffPresence, StoreError> {
    let chosen = row.text("availability")?;
    Ok(super::StaffPresence {
        user: UserId(row.int("id")?),
        name: row.text("display_name")?,
        facts: parlor_domain::PresenceFacts {
            chosen: parlor_domain::Availability::parse(&chosen)
                .ok_or_else(|| StoreError::Corrupt(format!("availability {chosen:?}")))?,
            connected: row.int("connected")? != 0,
            last_seen: row.opt_int("last_seen")?,
        },
    })
}

/// A conversation as the append needs it (`id, status, last_seq`).
pub(super) fn conversation_state(
    row: &impl DbRow,
) -> Result<super::group_commit::ConversationState, StoreError> {
    Ok(super::group_commit::ConversationState {
        id: parlor_domain::ConversationId(row.uuid("id")?),
        open: row.text("status")? == ConversationStatus::Open.as_str(),
        last_seq: Seq(row.int("last_seq")? as u64),
    })
}

/// The inbox's view of a conversation: one row per conversation, with the
/// newest message joined by its (unique) sequence number. Plain SQL that
/// both backends run as it is.
pub(super) const SUMMARY_SELECT: &str = "
    SELECT c.*, ch.name AS channel_name, ch.departments AS channel_departments,
           u.display_name AS assignee_name, v.page_url,
           v.name AS v_name, v.email AS v_email, v.external_id AS v_external_id,
           v.verified AS v_verified, v.custom_fields AS v_custom_fields,
           v.identity_claim AS v_identity_claim,
           m.id AS m_id, m.conversation_id AS m_conversation_id, m.seq AS m_seq, m.author_kind AS m_author_kind,
           m.author_user_id AS m_author_user_id, m.body AS m_body, m.created_at AS m_created_at,
           m.edited_at AS m_edited_at, m.attachment AS m_attachment,
           (SELECT COUNT(*) FROM messages x
             WHERE x.conversation_id = c.id AND x.seq > c.read_seq
               AND x.author_kind = 'visitor') AS unread
      FROM conversations c
      JOIN channels ch ON ch.id = c.channel_id
      JOIN visitors v ON v.id = c.visitor_id
      LEFT JOIN users u ON u.id = c.assignee_id
      LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq";

pub(super) fn summary(row: &impl DbRow) -> Result<ConversationSummary, StoreError> {
    let last_message = match row.opt_uuid("m_id")? {
        None => None,
        Some(_) => Some(message_columns(row, "m_")?),
    };
    Ok(ConversationSummary {
        conversation: conversation(row)?,
        channel_name: row.text("channel_name")?,
        assignee_name: row.opt_text("assignee_name")?,
        last_message,
        unread: row.int("unread")? as u32,
        page_url: row.opt_text("page_url")?,
        visitor: visitor_profile(row, "v_")?,
        department: match row.opt_int("department_id")? {
            Some(id) => json::<ChannelDepartments>(row, "channel_departments")?
                .name(id as u32)
                .map(str::to_string),
            None => None,
        },
        context: match row.opt_text("visitor_context")? {
            Some(_) => json(row, "visitor_context")?,
            None => Default::default(),
        },
    })
}

pub(super) fn note(row: &impl DbRow) -> Result<parlor_domain::Note, StoreError> {
    Ok(parlor_domain::Note {
        id: parlor_domain::MessageId(row.uuid("id")?),
        conversation: parlor_domain::ConversationId(row.uuid("conversation_id")?),
        author: row.opt_int("author_user_id")?.map(UserId),
        after_seq: Seq(row.int("after_seq")? as u64),
        body: row.text("body")?,
        created_at: row.int("created_at")?,
        transfer_to: row.opt_text("transfer_to")?,
    })
}

pub(super) fn message(row: &impl DbRow) -> Result<Message, StoreError> {
    message_columns(row, "")
}

/// A message from columns named `{prefix}id`, `{prefix}seq`, and so on.
fn message_columns(row: &impl DbRow, prefix: &str) -> Result<Message, StoreError> {
    let col = |name: &str| format!("{prefix}{name}");
    let kind = row.text(&col("author_kind"))?;
    let author = match (kind.as_str(), row.opt_int(&col("author_user_id"))?) {
        ("visitor", _) => Author::Visitor,
        ("operator", Some(user)) => Author::Operator { user: UserId(user) },
        ("operator", None) => Author::Channel,
        _ => return Err(StoreError::Corrupt(format!("author {kind:?}"))),
    };
    Ok(Message {
        id: parlor_domain::MessageId(row.uuid(&col("id"))?),
        conversation: parlor_domain::ConversationId(row.uuid(&col("conversation_id"))?),
        seq: Seq(row.int(&col("seq"))? as u64),
        author,
        body: row.text(&col("body"))?,
        created_at: row.int(&col("created_at"))?,
        edited_at: row.opt_int(&col("edited_at"))?,
        attachment: match row.opt_text(&col("attachment"))? {
            Some(text) => Some(
                serde_json::from_str(&text)
                    .map_err(|e| StoreError::Corrupt(format!("attachment: {e}")))?,
            ),
            None => None,
        },
    })
}

/// One line of a message's audit trail (a `message_edits` row).
pub(super) fn message_edit(row: &impl DbRow) -> Result<parlor_domain::MessageEdit, StoreError> {
    Ok(parlor_domain::MessageEdit {
        message: parlor_domain::MessageId(row.uuid("message_id")?),
        conversation: parlor_domain::ConversationId(row.uuid("conversation_id")?),
        previous_body: row.text("previous_body")?,
        edited_by: row.opt_int("edited_by")?.map(UserId),
        edited_at: row.int("edited_at")?,
    })
}

/// The columns an author is stored as: kind and, for operators, the user.
pub(super) fn author_columns(author: Author) -> (&'static str, Option<i64>) {
    match author {
        Author::Visitor => ("visitor", None),
        Author::Operator { user } => ("operator", Some(user.0)),
        Author::Channel => ("operator", None),
    }
}

/// The uploader columns of `attachments`: a visitor id or a user id.
pub(super) fn uploader_columns(
    uploader: parlor_domain::attachments::Uploader,
) -> (Option<Uuid>, Option<i64>) {
    use parlor_domain::attachments::Uploader;
    match uploader {
        Uploader::Visitor(v) => (Some(v.0), None),
        Uploader::User(u) => (None, Some(u.0)),
    }
}

/// An `attachments` row joined with its conversation (`c_visitor_id`,
/// `c_channel_id`).
pub(super) fn stored_attachment(row: &impl DbRow) -> Result<super::StoredAttachment, StoreError> {
    use parlor_domain::attachments::Uploader;
    let uploader = match (
        row.opt_uuid("uploader_visitor_id")?,
        row.opt_int("uploader_user_id")?,
    ) {
        (Some(v), _) => Some(Uploader::Visitor(parlor_domain::VisitorId(v))),
        (None, Some(u)) => Some(Uploader::User(UserId(u))),
        (None, None) => None,
    };
    let sent_in = match (
        row.opt_uuid("conversation_id")?,
        row.opt_uuid("c_visitor_id")?,
        row.opt_uuid("c_channel_id")?,
    ) {
        (Some(c), Some(v), Some(ch)) => Some((
            parlor_domain::ConversationId(c),
            parlor_domain::VisitorId(v),
            parlor_domain::ChannelId(ch),
        )),
        _ => None,
    };
    Ok(super::StoredAttachment {
        attachment: parlor_domain::Attachment {
            id: parlor_domain::AttachmentId(row.uuid("id")?),
            name: row.text("name")?,
            content_type: row.text("content_type")?,
            size: row.int("size")? as u64,
        },
        uploader,
        sent_in,
        message: row.opt_uuid("message_id")?.map(parlor_domain::MessageId),
        created_at: row.int("created_at")?,
    })
}

/// Whether the statement broke a unique constraint (a taken email or
/// shortcut).
pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

pub(super) fn is_foreign_key_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_foreign_key_violation())
}
