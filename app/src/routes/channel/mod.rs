//! The channel form, with tabs as in Odoo Live Chat, one module each:
//! Operators (`operators.rs`), Options (`options.rs`), Channel Rules
//! (`rules.rs`), Triggers (`triggers.rs`) and Widget (`widget.rs`). All tabs
//! stay mounted (only hidden), so unsaved edits survive a switch between tabs.

mod operators;
mod options;
mod rules;
mod triggers;
mod widget;

use super::layout::{may, use_me};
use crate::api::channels::{get_channel, ChannelDetail};
use crate::error::AppError;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use operators::{DepartmentMembers, DepartmentsForm, OperatorsTab};
use options::OptionsTab;
use parlor_domain::ChannelId;
use parlor_domain::Power;
use rules::RulesTab;
use triggers::TriggersTab;
use widget::WidgetTab;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tab {
    Operators,
    Options,
    Rules,
    Triggers,
    Widget,
}

impl Tab {
    const ALL: [Tab; 5] = [
        Tab::Operators,
        Tab::Options,
        Tab::Rules,
        Tab::Triggers,
        Tab::Widget,
    ];

    fn label(self) -> &'static str {
        match self {
            Tab::Operators => "Operators",
            Tab::Options => "Options",
            Tab::Rules => "Channel Rules",
            Tab::Triggers => "Triggers",
            Tab::Widget => "Widget",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Operators => "operators",
            Tab::Options => "options",
            Tab::Rules => "rules",
            Tab::Triggers => "triggers",
            Tab::Widget => "widget",
        }
    }
}

#[component]
pub fn ChannelEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<ChannelId>().ok())
    };
    let me = use_me();
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_channel(id).await,
            None => Err(AppError::NotFound("channel".into())),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading channel…"</p> }>
            {move || Suspend::new(async move {
                let can_edit = may(me, Power::ManageChannels).await;
                let secrets = may(me, Power::ManageSettings).await;
                match detail.await {
                    Ok(detail) => Either::Left(view! { <ChannelEditor detail can_edit secrets /> }),
                    Err(e) => Either::Right(view! { <p class="form-error">{e.to_string()}</p> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ChannelEditor(detail: ChannelDetail, can_edit: bool, secrets: bool) -> impl IntoView {
    let channel = RwSignal::new(detail.channel);
    let tab = RwSignal::new(Tab::Options);
    let title = move || channel.with(|c| c.settings.name.clone());
    view! {
        <Title text=title />
        <div class="page-head">
            <p class="crumbs"><a href="/channels">"Channels"</a>" /"</p>
            <h1 class="channel-title">{title}</h1>
        </div>
        <div class="tabs" role="tablist">
            {Tab::ALL
                .into_iter()
                .map(|t| {
                    view! {
                        <button
                            type="button"
                            role="tab"
                            id=format!("tab-{}", t.id())
                            aria-controls=format!("panel-{}", t.id())
                            aria-selected=move || (tab.get() == t).to_string()
                            class:active=move || tab.get() == t
                            on:click=move |_| tab.set(t)
                        >
                            {t.label()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <TabPanel tab current=Tab::Operators>
            <OperatorsTab channel users=detail.users.clone() can_edit />
            <DepartmentsForm channel can_edit />
            <DepartmentMembers channel users=detail.users can_edit />
        </TabPanel>
        <TabPanel tab current=Tab::Options>
            <OptionsTab channel can_edit />
        </TabPanel>
        <TabPanel tab current=Tab::Rules>
            <RulesTab channel can_edit />
        </TabPanel>
        <TabPanel tab current=Tab::Triggers>
            <TriggersTab channel can_edit />
        </TabPanel>
        <TabPanel tab current=Tab::Widget>
            <WidgetTab channel can_edit secrets snippet=detail.snippet chat_link=detail.chat_link csp=detail.csp />
        </TabPanel>
    }
}

/// One tab's panel: always mounted, hidden unless `current` is shown.
#[component]
fn TabPanel(tab: RwSignal<Tab>, current: Tab, children: Children) -> impl IntoView {
    view! {
        <section
            class="panel"
            role="tabpanel"
            id=format!("panel-{}", current.id())
            aria-labelledby=format!("tab-{}", current.id())
            hidden=move || tab.get() != current
        >
            {children()}
        </section>
    }
}
