//! @mentions in internal notes: `@Name` names a colleague by their display
//! name, who is then alerted.

/// Whether `body` mentions the person called `name`: `@` at the start of
/// a word, then the name (any case), then the end or a character that
/// cannot continue a name.
pub fn mentions(body: &str, name: &str) -> bool {
    let name = name.trim().to_lowercase();
    if name.is_empty() {
        return false;
    }
    let lower = body.to_lowercase();
    lower.match_indices('@').any(|(at, _)| {
        let starts_word = lower[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let rest = &lower[at + 1..];
        starts_word
            && rest.starts_with(&name)
            && rest[name.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != '-')
    })
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn a_mention_is_at_and_the_whole_name() {
        assert!(mentions("@Bo can you check?", "Bo"));
        assert!(mentions("ask @bo lee, please", "Bo Lee"));
        assert!(mentions("(@Bo)", "Bo"));
        assert!(!mentions("@Bob can you", "Bo"), "another name");
        assert!(!mentions("mail bo@example.com", "example"));
        assert!(!mentions("Bo, look", "Bo"), "no @");
        assert!(!mentions("@", ""));
    }
}
