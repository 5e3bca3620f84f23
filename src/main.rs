//! Mounts the app into the static shell of index.html.

fn main() {
    // A panic should never happen (the fuzzers and tests look for them); if one does, say what
    // and where in the console before the app stops, so it can be reported.
    std::panic::set_hook(Box::new(|info| {
        let msg = info.payload_as_str().unwrap_or("panic");
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        web_sys::console::error_1(&format!("aci-triage stopped: {msg}{at}").into());
    }));
    aci_triage::ui::mount();
}
