//! @mentions in internal notes: `@Name` names a colleague by their display
//! name, who is then alerted.

/// Whether `body` mentions the person called `name`: `@` at the start of
/// a word, then the name (any case), then the end or a character that
/// cannot continue a name. Where a colleague's longer name also matches at
/// the same `@` ("@Bo Lee" for Bo and Bo Lee), it mentions the longer one
/// only; `colleagues` are everyone's names (the person's own may be among
/// them).
pub fn mentions<'a>(body: &str, name: &str, colleagues: impl IntoIterator<Item = &'a str>) -> bool {
    let name = name.trim().to_lowercase();
    if name.is_empty() {
        return false;
    }
    let lower = body.to_lowercase();
    let at: Vec<usize> = lower
        .match_indices('@')
        .map(|(at, _)| at)
        .filter(|&at| name_at(&lower, at, &name))
        .collect();
    if at.is_empty() {
        return false;
    }
    let longer: Vec<String> = colleagues
        .into_iter()
        .map(|c| c.trim().to_lowercase())
        .filter(|c| c.len() > name.len() && c.starts_with(&name))
        .collect();
    at.into_iter()
        .any(|at| !longer.iter().any(|other| name_at(&lower, at, other)))
}

/// Whether the `@` at byte `at` of `lower` starts a word and names `name`.
fn name_at(lower: &str, at: usize, name: &str) -> bool {
    let starts_word = lower[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric());
    let rest = &lower[at + 1..];
    starts_word
        && rest.starts_with(name)
        && rest[name.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != '-')
}

#[cfg(test)]
mod tests {
    use super::mentions;

    const NOBODY: [&str; 0] = [];

    #[test]
    fn a_mention_is_at_and_the_whole_name() {
        assert!(mentions("@Bo can you check?", "Bo", NOBODY));
        assert!(mentions("ask @bo lee, please", "Bo Lee", NOBODY));
        assert!(mentions("(@Bo)", "Bo", NOBODY));
        assert!(!mentions("@Bob can you", "Bo", NOBODY), "another name");
        assert!(!mentions("mail bo@example.com", "example", NOBODY));
        assert!(!mentions("Bo, look", "Bo", NOBODY), "no @");
        assert!(!mentions("@", "", NOBODY));
    }

    #[test]
    fn the_longest_name_at_an_at_is_the_one_mentioned() {
        let team = ["Bo", "Bo Lee", "Ann"];
        assert!(mentions("ask @Bo Lee, please", "Bo Lee", team));
        assert!(!mentions("ask @Bo Lee, please", "Bo", team));
        assert!(mentions("@Bo and @Bo Lee", "Bo", team), "each @ on its own");
        assert!(mentions("@Bo, please", "Bo", team));
    }
}
