//! Which address a share link should start with.
//!
//! A link is the page's own address plus the fragment. From the downloaded offline file that
//! address is `file:///home/…/aci-triage.html`: the recipient's browser would look on their own
//! disk and find nothing (or worse, someone else's copy). The same goes for a copy served from
//! the sender's own machine (`http://localhost:8080/`). [`link_base`] says so, and offers the
//! published address when the build knows it ([`HOSTED_URL`]).

/// The published address of the app, set when building:
/// `ACI_TRIAGE_HOSTED_URL=https://example.github.io/aci-triage/ make dist`. Links made from the
/// offline file or a local copy can point there instead.
pub const HOSTED_URL: Option<&str> = option_env!("ACI_TRIAGE_HOSTED_URL");

/// Who can open a link that starts with a given address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Anyone who can reach that web address.
    Anyone,
    /// Only the sender: the address is a file on their disk (`file:`).
    SendersDisk,
    /// Only the sender: the address names their own computer (`localhost`, `127.0.0.1`, `[::1]`).
    SendersComputer,
    /// Nobody else: an address of this browser alone (`blob:`, `data:`, `content:` …).
    ThisBrowser,
}

/// What a link made on this page should start with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkBase {
    /// The page's own address (without query and fragment), which links start with today.
    pub page: String,
    /// Who can open links that start with `page`.
    pub reach: Reach,
    /// The published address to use instead when `page` is not reachable by others, when known.
    pub hosted: Option<String>,
}

impl LinkBase {
    /// The address links should start with: the published one when the page's own is not
    /// reachable by others and the published one is known; otherwise the page's own.
    pub fn best(&self) -> &str {
        self.hosted.as_deref().unwrap_or(&self.page)
    }

    /// What to tell the sender, when the page's own address would not work for the recipient.
    pub fn warning(&self) -> Option<String> {
        let whose = match self.reach {
            Reach::Anyone => return None,
            Reach::SendersDisk => "a file on this computer (the downloaded offline copy)",
            Reach::SendersComputer => "this computer (a copy served from localhost)",
            Reach::ThisBrowser => "this browser alone",
        };
        Some(match &self.hosted {
            Some(h) => format!("This page is {whose}, so a link to it would not open for anyone else. The link below uses the published address instead, {h}; the state travels in the part after #, which that site never receives."),
            None => format!("This page is {whose}, so the link below opens for nobody else. Share the text itself, or send the offline file along: the colleague opens their copy and adds everything from # on to its address."),
        })
    }
}

/// Says whether links made on a page at `page` (its address; query and fragment are ignored)
/// reach anyone else, and which published address to offer instead. `hosted` is the published
/// address if known (usually [`HOSTED_URL`]); it is offered only when it is itself a web address
/// others can reach.
pub fn link_base(page: &str, hosted: Option<&str>) -> LinkBase {
    let page = without_query(page.trim()).to_string();
    let reach = reach(&page);
    let hosted = hosted
        .map(|h| without_query(h.trim()))
        .filter(|h| reach != Reach::Anyone && self::reach(h) == Reach::Anyone)
        .map(str::to_string);
    LinkBase {
        page,
        reach,
        hosted,
    }
}

fn without_query(url: &str) -> &str {
    url.find(['?', '#']).map_or(url, |i| &url[..i])
}

/// Who can open `url`, from its scheme and host.
pub fn reach(url: &str) -> Reach {
    let Some((scheme, rest)) = url.split_once(':') else {
        return Reach::ThisBrowser;
    };
    match scheme.to_ascii_lowercase().as_str() {
        "file" => Reach::SendersDisk,
        "http" | "https" => {
            let authority = rest.trim_start_matches('/');
            let authority = authority
                .find(['/', '?', '#'])
                .map_or(authority, |i| &authority[..i]);
            let host = authority.rsplit('@').next().unwrap_or_default();
            if is_own_computer(host) {
                Reach::SendersComputer
            } else if host.is_empty() {
                Reach::ThisBrowser
            } else {
                Reach::Anyone
            }
        }
        _ => Reach::ThisBrowser,
    }
}

/// Whether `host` (with an optional port) names the sender's own computer.
fn is_own_computer(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let name = match host.strip_prefix('[') {
        // An IPv6 literal: `[::1]:8080`.
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    let name = name.trim_end_matches('.');
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "::1"
        || name == "0.0.0.0"
        || name
            .strip_prefix("127.")
            .is_some_and(|r| r.split('.').all(|p| p.parse::<u8>().is_ok()))
}
