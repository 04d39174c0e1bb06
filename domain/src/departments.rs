//! A channel's departments. With more than one, the visitor picks one
//! before the first message, and operators see it on the conversation.

use crate::validation::{Field, ValidationErrors};
use serde::{Deserialize, Serialize};

pub const MAX_DEPARTMENTS: usize = 20;
pub const MAX_DEPARTMENT_NAME: usize = 60;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    /// Stable across renames of other departments.
    pub id: u32,
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelDepartments(pub Vec<Department>);

impl ChannelDepartments {
    /// Reads the admin's list, one name per line. A name kept from `old`
    /// keeps its id; new names get new ones.
    pub fn parse(text: &str, old: &ChannelDepartments) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let mut next = old.0.iter().map(|d| d.id).max().unwrap_or(0) + 1;
        let mut list: Vec<Department> = Vec::new();
        for name in text.lines().map(str::trim).filter(|n| !n.is_empty()) {
            if list.iter().any(|d| d.name.eq_ignore_ascii_case(name)) {
                e.push(Field::Departments, format!("{name:?} is listed twice"));
                continue;
            }
            e.check_line(Field::Departments, name, true, MAX_DEPARTMENT_NAME);
            let id = match old.0.iter().find(|d| d.name.eq_ignore_ascii_case(name)) {
                Some(d) => d.id,
                None => {
                    next += 1;
                    next - 1
                }
            };
            list.push(Department {
                id,
                name: name.to_string(),
            });
        }
        if list.len() > MAX_DEPARTMENTS {
            e.push(
                Field::Departments,
                format!("at most {MAX_DEPARTMENTS} departments"),
            );
        }
        e.into_result().map(|()| Self(list))
    }

    pub fn text(&self) -> String {
        let names: Vec<&str> = self.0.iter().map(|d| d.name.as_str()).collect();
        names.join("\n")
    }

    pub fn name(&self, id: u32) -> Option<&str> {
        self.0.iter().find(|d| d.id == id).map(|d| d.name.as_str())
    }

    /// Whether a visitor must pick one before writing.
    pub fn required(&self) -> bool {
        self.0.len() > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_ids() {
        let first =
            ChannelDepartments::parse("Sales\n\n  Support \n", &Default::default()).unwrap();
        assert_eq!(first.0.iter().map(|d| d.id).collect::<Vec<_>>(), vec![1, 2]);
        assert!(first.required());
        let second = ChannelDepartments::parse("Billing\nsupport", &first).unwrap();
        assert_eq!(second.0[0].id, 3);
        assert_eq!(second.0[1].id, 2, "support is still Support");
        assert_eq!(second.name(2), Some("support"));
        assert!(ChannelDepartments::parse("A\na", &first).is_err());
        assert!(ChannelDepartments::parse(&"x".repeat(61), &first).is_err());
        assert!(!ChannelDepartments::parse("Only", &first)
            .unwrap()
            .required());
    }
}
