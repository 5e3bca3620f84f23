//! The parts around the views: view switcher, notices, footer with privacy and theme.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::browser;
use super::state::{Notice, Route};

#[component]
pub fn Nav(route: RwSignal<Route>) -> impl IntoView {
    let is_decoder = move || matches!(route.get(), Route::Decoder);
    view! {
        <nav class="views" aria-label="Views">
            <a href="#" aria-current=move || is_decoder().then_some("page")
                on:click=move |ev| {
                    // "#" alone would leave a bare fragment; go to the decoder explicitly.
                    ev.prevent_default();
                    if !is_decoder() {
                        browser::replace_hash("");
                        route.set(Route::Decoder);
                    }
                }>
                "Decode policy denials"
            </a>
            <a href="#wizard" aria-current=move || (!is_decoder()).then_some("page")>
                "Troubleshoot network latency"
            </a>
        </nav>
    }
}

#[component]
pub fn Notices(notices: RwSignal<Vec<Notice>>) -> impl IntoView {
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

const THEME_KEY: &str = "aci-triage.theme";

fn apply_theme(theme: &str) {
    if let Some(root) = document().document_element() {
        if theme == "light" || theme == "dark" {
            let _ = root.set_attribute("data-theme", theme);
        } else {
            let _ = root.remove_attribute("data-theme");
        }
    }
}

#[component]
fn ThemeSwitch() -> impl IntoView {
    let current = browser::load(THEME_KEY).unwrap_or_else(|| "system".into());
    apply_theme(&current);
    let on_change = move |ev: leptos::ev::Event| {
        let value = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .map(|s| s.value())
            .unwrap_or_default();
        apply_theme(&value);
        if value == "system" {
            browser::remove(THEME_KEY);
        } else {
            browser::save(THEME_KEY, &value);
        }
    };
    let opt = |value: &'static str, label: &'static str| {
        let selected = current == value;
        view! { <option value=value selected=selected>{label}</option> }
    };
    view! {
        <label class="theme">
            "Theme "
            <select on:change=on_change>
                {opt("system", "Follow the system")}
                {opt("light", "Light")}
                {opt("dark", "Dark")}
            </select>
        </label>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    let offline_link = (!browser::is_file()).then(|| {
        view! {
            <p>
                <a href="aci-triage.html" download="aci-triage.html">"Download for offline use"</a>
                ": one HTML file that works when opened from disk, even on a machine without network."
            </p>
        }
    });
    view! {
        <footer class="site">
            <section aria-labelledby="privacy-heading">
                <h2 id="privacy-heading">"Privacy"</h2>
                <p>
                    "Everything you paste is decoded by code running in this page. Nothing is uploaded: the site is static files with no server side, and it sends no analytics and loads nothing from other sites."
                </p>
                <p>
                    "To check: open your browser's developer tools, Network tab, then paste and decode: no request appears. The page's Content-Security-Policy (" <code>"connect-src 'self'"</code>
                    ") also forbids it from sending data anywhere else. Your paste is kept in this browser's local storage so that it survives a reload; Clear removes it."
                </p>
                {offline_link}
            </section>
            <ThemeSwitch />
        </footer>
    }
}
