//! A channel's departments. With more than one, the visitor picks one
//! before the first message, and operators see it on the conversation.
//! A department may name its members among the channel's operators: its
//! conversations are routed to them (to any operator of the channel while
//! it names none).

use crate::validation::{Field, ValidationErrors};
use crate::UserId;
use serde::{Deserialize, Serialize};

pub const MAX_DEPARTMENTS: usize = 20;
pub const MAX_DEPARTMENT_NAME: usize = 60;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    /// Stable across renames of other departments.
    pub id: u32,
    pub name: String,
    /// Operators of the channel who take this department's conversations.
    #[serde(default)]
    pub members: Vec<UserId>,
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
            let (id, members) = match old.0.iter().find(|d| d.name.eq_ignore_ascii_case(name)) {
                Some(d) => (d.id, d.members.clone()),
                None => {
                    next += 1;
                    (next - 1, Vec::new())
                }
            };
            list.push(Department {
                id,
                name: name.to_string(),
                members,
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

    /// As visitors' pickers and operators' transfer choices show them.
    pub fn wire(&self) -> Vec<parlor_protocol::widget::WireDepartment> {
        self.0
            .iter()
            .map(|d| parlor_protocol::widget::WireDepartment {
                id: d.id,
                name: d.name.clone(),
            })
            .collect()
    }

    pub fn get(&self, id: u32) -> Option<&Department> {
        self.0.iter().find(|d| d.id == id)
    }

    /// Adds `user` to department `id`'s members, or takes them out.
    pub fn set_member(
        &mut self,
        id: u32,
        user: UserId,
        member: bool,
    ) -> Result<(), ValidationErrors> {
        let Some(d) = self.0.iter_mut().find(|d| d.id == id) else {
            return Err(ValidationErrors::single(
                Field::Departments,
                "no such department",
            ));
        };
        d.members.retain(|u| *u != user);
        if member {
            d.members.push(user);
        }
        Ok(())
    }

    /// Who routing may give a conversation of department `id` among
    /// `candidates`: its members, or everyone while it names none.
    pub fn route_to(&self, id: Option<u32>, candidates: Vec<UserId>) -> Vec<UserId> {
        match id.and_then(|id| self.get(id)) {
            Some(d) if !d.members.is_empty() => candidates
                .into_iter()
                .filter(|u| d.members.contains(u))
                .collect(),
            _ => candidates,
        }
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

    #[test]
    fn members_stay_with_their_department_and_narrow_routing() {
        let mut d = ChannelDepartments::parse("Sales\nSupport", &Default::default()).unwrap();
        let (ann, bo) = (UserId(1), UserId(2));
        assert_eq!(
            d.route_to(Some(1), vec![ann, bo]),
            [ann, bo],
            "no members: anyone"
        );
        d.set_member(1, bo, true).unwrap();
        d.set_member(1, bo, true).unwrap();
        assert_eq!(d.get(1).unwrap().members, [bo], "added once");
        assert_eq!(d.route_to(Some(1), vec![ann, bo]), [bo]);
        assert_eq!(
            d.route_to(Some(1), vec![ann]),
            [],
            "members only, even if none is online"
        );
        assert_eq!(d.route_to(Some(2), vec![ann, bo]), [ann, bo]);
        assert_eq!(d.route_to(None, vec![ann]), [ann]);
        // Renaming another department keeps the members.
        let renamed = ChannelDepartments::parse("Sales\nHelp", &d).unwrap();
        assert_eq!(renamed.get(1).unwrap().members, [bo]);
        assert!(d.set_member(9, ann, true).is_err());
        d.set_member(1, bo, false).unwrap();
        assert!(d.get(1).unwrap().members.is_empty());
    }
}
