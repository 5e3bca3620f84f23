//! Mounts the app into the static shell of index.html.

fn main() {
    console_error_panic_hook::set_once();
    aci_triage::ui::mount();
}
