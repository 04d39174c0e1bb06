//! Every page of the app, once: its path, who may open it and its view.
//! The router is built from this table (`App`), and the server's page guard
//! (`server/src/guard.rs`) asks [`access`] who may open a request's path, so
//! a new page cannot be routed without being guarded.

use crate::routes::inbox::InboxPage;
use crate::sections::{self, Section};
use leptos::prelude::*;
use leptos_router::{ChooseView, ParamSegment, PossibleRouteMatch, StaticSegment};
use std::sync::Arc;

/// Who may open a page. The guard turns everyone else away before rendering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Signed-out visitors: a signed-in user goes on to the inbox.
    SignedOut,
    /// Signed-in staff, operators and admins alike, inside the admin frame
    /// (`routes::layout::AdminLayout`): anyone else goes to the sign-in page.
    Staff,
}

/// One page. `path` is the router's: `/`-separated, `:name` for a parameter.
pub struct Page {
    pub path: &'static str,
    pub access: Access,
    pub view: PageView,
}

/// How a page's view is made: plain fn pointers, so `PAGES` stays a static.
#[derive(Clone, Copy)]
pub enum PageView {
    /// Built right away; its code is in the main bundle.
    Eager(fn() -> AnyView),
    /// A page of a section split out of the main bundle (`sections`).
    Lazy(Section),
}

impl ChooseView for PageView {
    async fn choose(self) -> AnyView {
        match self {
            PageView::Eager(view) => view(),
            PageView::Lazy(section) => section.view().await,
        }
    }

    /// The router awaits this for the matched routes before hydrating and
    /// before a client-side navigation: hydration waits for the shown page's
    /// module, and never for another.
    async fn preload(&self) {
        if let PageView::Lazy(section) = self {
            section.preload().await;
        }
    }
}

pub const LOGIN: &str = "/login";
pub const INBOX: &str = "/inbox";

pub static PAGES: &[Page] = &[
    Page {
        path: LOGIN,
        access: Access::SignedOut,
        view: PageView::Lazy(Section::SignIn),
    },
    Page {
        path: "/",
        access: Access::Staff,
        view: PageView::Lazy(Section::Home),
    },
    // The first page after signing in, in the main bundle (its thread pane
    // is split: `routes::inbox`).
    Page {
        path: INBOX,
        access: Access::Staff,
        view: PageView::Eager(|| view! { <InboxPage /> }.into_any()),
    },
    Page {
        path: "/channels",
        access: Access::Staff,
        view: PageView::Lazy(Section::Channels(sections::Channels::List)),
    },
    Page {
        path: "/channels/:id",
        access: Access::Staff,
        view: PageView::Lazy(Section::Channels(sections::Channels::Edit)),
    },
    Page {
        path: "/users",
        access: Access::Staff,
        view: PageView::Lazy(Section::Team(sections::Team::Users)),
    },
    Page {
        path: "/settings/mail",
        access: Access::Staff,
        view: PageView::Lazy(Section::Team(sections::Team::Mail)),
    },
    Page {
        path: "/canned",
        access: Access::Staff,
        view: PageView::Lazy(Section::Team(sections::Team::Canned)),
    },
    Page {
        path: "/tickets",
        access: Access::Staff,
        view: PageView::Lazy(Section::Tickets(sections::Tickets::List)),
    },
    Page {
        path: "/tickets/:number",
        access: Access::Staff,
        view: PageView::Lazy(Section::Tickets(sections::Tickets::One)),
    },
    Page {
        path: "/helpdesk/teams",
        access: Access::Staff,
        view: PageView::Lazy(Section::Team(sections::Team::Teams)),
    },
];

fn parts(path: &str) -> impl DoubleEndedIterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// Who may open `path` (a request's, without the query), or `None` when it
/// is no page of the app. A trailing slash names the same page, as it does
/// for the router.
pub fn access(path: &str) -> Option<Access> {
    PAGES
        .iter()
        .find(|page| {
            let (mut want, mut got) = (parts(page.path), parts(path));
            loop {
                match (want.next(), got.next()) {
                    (None, None) => return true,
                    (Some(w), Some(g)) if w.starts_with(':') || w == g => {}
                    _ => return false,
                }
            }
        })
        .map(|page| page.access)
}

/// The router's segments for a path of the table.
pub(crate) type Segments = Arc<dyn PossibleRouteMatch + Send + Sync>;

pub(crate) fn segments(path: &'static str) -> Segments {
    fn one(part: &'static str) -> Segments {
        match part.strip_prefix(':') {
            Some(name) => Arc::new(ParamSegment(name)),
            None => Arc::new(StaticSegment(part)),
        }
    }
    let mut rest = parts(path).rev();
    match rest.next() {
        None => Arc::new(()),
        Some(last) => rest.fold(one(last), |tail, part| Arc::new((one(part), tail))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_page_and_nothing_else() {
        for p in [
            "/",
            "/inbox",
            "/channels",
            "/channels/abc",
            "/users",
            "/canned",
            "/helpdesk/teams",
            "/tickets",
            "/tickets/12",
        ] {
            assert_eq!(access(p), Some(Access::Staff), "{p}");
        }
        assert_eq!(access("/channels/abc/"), Some(Access::Staff));
        assert_eq!(access("/login"), Some(Access::SignedOut));
        for p in [
            "/api/login",
            "/pkg/parlor.js",
            "/widget/v1/x",
            "/chat/x",
            "/healthz",
            "/channelsx",
            "/channels/a/b",
        ] {
            assert_eq!(access(p), None, "{p}");
        }
    }

    #[test]
    fn segments_match_as_the_path_says() {
        let m = segments("/channels/:id").test("/channels/abc").unwrap();
        assert!(m.is_complete());
        assert_eq!(m.params(), vec![("id".into(), "abc".to_string())]);
        assert!(segments("/channels/:id").test("/users/abc").is_none());
        assert!(segments("/").test("").unwrap().is_complete());
    }
}
