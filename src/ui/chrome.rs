//! The parts around the views. The view switcher, the privacy footer and the theme switch are
//! static HTML in index.html (the theme is handled by public/boot.js): no WASM needed beyond
//! marking the current view.

use super::decoder::Decoder;
use super::state::{DecoderState, Nav, Notice, Route};
use super::wizard::WizardView;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What is on screen. Each is made anew when it changes: another wizard step is another
/// component, and so is the decoder after a share link was opened (as a fresh load of the link
/// shows it).
#[derive(Clone, PartialEq, Eq, Hash)]
enum Screen {
    /// The decoder, for the n-th share link opened.
    Decoder(u32),
    /// The wizard at these encoded answers.
    Wizard(String),
}

/// The notices and the current view, from the [`Nav`] in context: a keyed list of one.
#[component]
pub fn Views() -> impl IntoView {
    let nav = expect_context::<Nav>();
    // A share link is being opened (see `route`): said where its notice will be, and busy, so
    // nobody takes what is on screen meanwhile for what the link holds.
    let opening = use_context::<DecoderState>().map(|d| d.opening);
    let screen = Memo::new(move |_| match nav.route.get() {
        Route::Wizard(answers) => Screen::Wizard(answers),
        Route::Decoder => Screen::Decoder(nav.links_opened.get()),
    });
    mark_view(Memo::new(move |_| {
        matches!(screen.get(), Screen::Wizard(_))
    }));
    view! {
        <main id="main">
            {move || opening.is_some_and(|o| o.get()).then(|| view! {
                <div class="notice" role="status" aria-busy="true">
                    <p>"Opening the shared link\u{2026}"</p>
                </div>
            })}
            <Notices notices=nav.notices />
            <For each=move || [screen.get()] key=|s| s.clone() let:s>
                {match s {
                    Screen::Wizard(encoded) => view! { <WizardView encoded=encoded /> }.into_any(),
                    Screen::Decoder(_) => view! { <Decoder /> }.into_any(),
                }}
            </For>
        </main>
    }
}

/// Marks the current view in the static view switcher of index.html (outside the app's own
/// views: its links are told apart by where they lead), and names the wizard's tab.
fn mark_view(wizard: Memo<bool>) {
    Effect::new(move |_| {
        let wizard = wizard.get();
        let graph = super::wizard::graph_tracked();
        let Ok(links) = document().query_selector_all("nav.views a[href]") else {
            return;
        };
        for i in 0..links.length() {
            let Some(link) = links
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let to_wizard = link
                .get_attribute("href")
                .is_some_and(|h| h.starts_with("#wizard"));
            // The wizard's tab is named by its graph, like its heading (index.html has the same
            // name until the graph has arrived).
            if let Some(name) = graph.map(|g| g.name) {
                if to_wizard && link.text_content().as_deref() != Some(name) {
                    link.set_text_content(Some(name));
                }
            }
            let current = to_wizard == wizard;
            let _ = if current {
                link.set_attribute("aria-current", "page")
            } else {
                link.remove_attribute("aria-current")
            };
        }
    });
}

#[component]
fn Notices(notices: RwSignal<Vec<Notice>>) -> impl IntoView {
    move || {
        notices
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, n)| {
                view! {
                    <div class="notice" class:warning=n.warning role=if n.warning { "alert" } else { "status" }>
                        <p>{n.text}</p>
                        <button type="button" class="dismiss" aria-label="Dismiss this message"
                            on:click=move |_| notices.update(|v| { if i < v.len() { v.remove(i); } })>
                            "Dismiss"
                        </button>
                    </div>
                }
            })
            .collect_view()
    }
}
