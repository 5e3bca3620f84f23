//! The pod's own CCE policy, explained (issue 13): the policy as a finding of its own, each
//! denial held against it, the DNS risk a Confidential manifest carries, and what was wrong with
//! the pasted policy text. [`report`] is the one entry point: a paste (and the decoder's analysis
//! of it) → a [`PolicyReport`] of documents.
//!
//! The report is serde (de)serialisable: the app builds it in a second WebAssembly module,
//! loaded only when a paste holds a policy or manifest, and hands it to the UI as JSON.

use serde::{Deserialize, Serialize};

use crate::decode::{Analysis, FindingKind};
use crate::policy::compare::{
    hold, Basis, Check, CommandCheck, CommandSource, Denial, EnvRuleFit, ErrorCheck, Evidence,
    Guest, Holding, ManifestDiff, MountDiff, Uncertainty, UserPart, Who,
};
use crate::policy::manifest::{PolicyValue, Workload, WorkloadKind, INJECT_DNS_ANNOTATION};
use crate::policy::model::{
    Access, Binding, Container, EnvRule, Field, Flavor, Generation, Mount, Policy, Stdio, Strategy,
    LARGE_POLICY_BYTES,
};
use crate::policy::text::{Base64Problem, Encoding};
use crate::policy::version::signal_name;
use crate::policy::{read_paste, FoundPolicy, Note, Origin, PolicyPaste};
use crate::report::{hint, inlines, markdown, para, para_class, plural, text, Block, Inline};
use crate::share::PolicyPlaces;

/// Containers of one policy shown in full; the rest are counted.
const MAX_CONTAINERS: usize = 50;
/// Items of one list (env rules, mounts, rows) shown.
const MAX_ROWS: usize = 100;
/// Policies a denial is held against.
const MAX_POLICIES_PER_DENIAL: usize = 3;
/// Policy (and DNS-risk) documents shown; a paste with more says so.
const MAX_DOCUMENTS: usize = 10;

/// Everything the pod's policy adds to a paste's explanation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyReport {
    /// Documents of their own, in this order: each policy found, the DNS risk of each
    /// manifest that has it, and notes about the pasted manifests.
    #[serde(deserialize_with = "hint::de_blocks")]
    pub documents: Vec<Vec<Block>>,
    /// Each denial held against the policy, keyed by the denial's blob.
    pub comparisons: Vec<Comparison>,
    /// What the paste's manifests answer in the network wizard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wizard: Option<crate::wizard::Facts>,
    /// Where the policies and manifests are in the text read: what a share link leaves out
    /// unless the user ticks the policy.
    #[serde(default, skip_serializing_if = "PolicyPlaces::is_empty")]
    pub places: PolicyPlaces,
}

/// One denial's comparison with the policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// The denial's blob as the decoder found it ([`crate::decode::DecodedBlob::base64`]).
    pub key: String,
    #[serde(deserialize_with = "hint::de_blocks")]
    pub blocks: Vec<Block>,
}

impl PolicyReport {
    /// The comparison blocks for the denial whose blob is `key`.
    pub fn comparison(&self, key: &str) -> Option<&[Block]> {
        self.comparisons
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.blocks.as_slice())
    }

    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
            && self.comparisons.is_empty()
            && self.wizard.is_none()
            && self.places.is_empty()
    }
}

/// Cheap test, for the app's first module, of whether a paste may hold a policy or a manifest
/// worth reading (the policy reader itself is loaded only then): the annotation keys, the ARM
/// property, Rego `package` lines, the base64 of `package `, the kube-proxy annotation.
pub fn worth_reading(text: &str) -> bool {
    const MARKS: [&str; 8] = [
        "virtualnode.ccepolicy",
        "ccePolicy",
        "package policy",
        "package agent_policy",
        "cGFja2FnZS",
        "virtualnode.injectkubeproxy",
        "virtualnode.injectdns",
        "io.katacontainers.config.agent.policy",
    ];
    MARKS.iter().any(|m| text.contains(m))
}

/// Reads `text` for policies and manifests and holds each denial of `analysis` (the decoder's
/// result for the same text) against the policy that applies.
pub fn report(text: &str, analysis: &Analysis) -> PolicyReport {
    let paste = read_paste(text);
    let mut r = report_for(&paste, analysis);
    r.places = PolicyPlaces::of(text, &paste.spans);
    r
}

/// The policy module's one export: `text` decoded and read, its [`PolicyReport`] as JSON.
/// The denials are decoded only when the paste has a policy to hold them against (decoding a
/// large paste twice, here and in the app, would slow the page down for nothing).
pub fn analyze_json(text: &str) -> String {
    let paste = read_paste(text);
    let analysis = if paste.policies.iter().any(comparable) {
        crate::decode::analyze(text)
    } else {
        Analysis::default()
    };
    let mut r = report_for(&paste, &analysis);
    r.places = PolicyPlaces::of(text, &paste.spans);
    serde_json::to_string(&r).unwrap_or_else(|_| "{}".into())
}

/// Reads what [`analyze_json`] wrote; `None` when it is not a report.
///
/// The app's first module reads it with this hand-written reader of serde's JSON shape (over the
/// `serde_json::Value` it already has for decisions) rather than the derived `Deserialize`:
/// the derived visitors cost that module about 40 KiB gzip. Tests hold the two to each other.
pub fn from_json(json: &str) -> Option<PolicyReport> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    let o = v.as_object()?;
    let documents = o
        .get("documents")?
        .as_array()?
        .iter()
        .map(wire::blocks)
        .collect::<Option<Vec<_>>>()?;
    let comparisons = o
        .get("comparisons")?
        .as_array()?
        .iter()
        .map(|c| {
            Some(Comparison {
                key: c.get("key")?.as_str()?.to_string(),
                blocks: wire::blocks(c.get("blocks")?)?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(PolicyReport {
        documents,
        comparisons,
        wizard: o.get("wizard").and_then(wire::facts),
        places: o.get("places").and_then(wire::places).unwrap_or_default(),
    })
}

/// serde's externally tagged JSON of [`Block`] and [`Inline`], read by hand.
mod wire {
    use serde_json::Value;

    use crate::report::{hint::intern, Block, Inline};

    fn s(v: &Value) -> Option<String> {
        v.as_str().map(str::to_string)
    }

    pub fn facts(v: &Value) -> Option<crate::wizard::Facts> {
        let b = |k: &str| v.get(k).and_then(Value::as_bool);
        Some(crate::wizard::Facts {
            pod: s(v.get("pod")?)?,
            confidential: b("confidential")?,
            kube_proxy_off: b("kube_proxy_off")?,
            dns_injection_off: b("dns_injection_off")?,
        })
    }

    pub fn places(v: &Value) -> Option<crate::share::PolicyPlaces> {
        let ranges = |k: &str| {
            list(v.get(k)?, |r| {
                let r = r.as_array()?;
                Some((r.first()?.as_u64()? as usize, r.get(1)?.as_u64()? as usize))
            })
        };
        Some(crate::share::PolicyPlaces {
            fingerprint: v.get("fingerprint")?.as_u64()?,
            documents: ranges("documents")?,
            values: ranges("values")?,
        })
    }

    fn list<T>(v: &Value, f: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
        v.as_array()?.iter().map(f).collect()
    }

    fn pair(v: &Value) -> Option<(String, String)> {
        match v.as_array()?.as_slice() {
            [a, b] => Some((s(a)?, s(b)?)),
            _ => None,
        }
    }

    fn tagged(v: &Value) -> Option<(&str, &Value)> {
        let o = v.as_object()?;
        if o.len() != 1 {
            return None;
        }
        o.iter().next().map(|(k, v)| (k.as_str(), v))
    }

    pub(super) fn inlines(v: &Value) -> Option<Vec<Inline>> {
        list(v, |i| {
            let (tag, x) = tagged(i)?;
            Some(match tag {
                "Text" => Inline::Text(s(x)?),
                "Code" => Inline::Code(s(x)?),
                "Strong" => Inline::Strong(s(x)?),
                "Link" => Inline::Link {
                    href: s(x.get("href")?)?,
                    text: s(x.get("text")?)?,
                },
                _ => return None,
            })
        })
    }

    pub(super) fn blocks(v: &Value) -> Option<Vec<Block>> {
        list(v, block)
    }

    fn class(x: &Value) -> Option<&'static str> {
        Some(intern(s(x.get("class")?)?))
    }

    fn block(v: &Value) -> Option<Block> {
        let (tag, x) = tagged(v)?;
        Some(match tag {
            "Heading" => Block::Heading {
                level: u8::try_from(x.get("level")?.as_u64()?).ok()?,
                text: inlines(x.get("text")?)?,
                id: match x.get("id")? {
                    Value::Null => None,
                    id => Some(s(id)?),
                },
            },
            "Para" => Block::Para {
                class: class(x)?,
                text: inlines(x.get("text")?)?,
            },
            "List" => Block::List {
                ordered: x.get("ordered")?.as_bool()?,
                class: class(x)?,
                items: list(x.get("items")?, blocks)?,
            },
            "Command" => Block::Command {
                code: s(x.get("code")?)?,
            },
            "Pre" => Block::Pre {
                code: s(x.get("code")?)?,
                copy: list(x.get("copy")?, |p| pair(p).map(|(l, t)| (intern(l), t)))?,
            },
            "Table" => Block::Table {
                head: list(x.get("head")?, s)?,
                rows: list(x.get("rows")?, |r| list(r, blocks))?,
            },
            "Defs" => Block::Defs(list(x, |d| match d.as_array()?.as_slice() {
                [term, desc] => Some((inlines(term)?, blocks(desc)?)),
                _ => None,
            })?),
            "Badges" => Block::Badges(list(x, |p| pair(p).map(|(t, c)| (t, intern(c))))?),
            "Details" => Block::Details {
                summary: s(x.get("summary")?)?,
                open: x.get("open")?.as_bool()?,
                body: blocks(x.get("body")?)?,
            },
            "Section" => Block::Section {
                class: class(x)?,
                body: blocks(x.get("body")?)?,
            },
            _ => return None,
        })
    }
}

/// [`report`] for a paste already read.
pub fn report_for(paste: &PolicyPaste, analysis: &Analysis) -> PolicyReport {
    let mut out = PolicyReport {
        wizard: crate::wizard::Facts::from_workloads(&paste.workloads),
        ..PolicyReport::default()
    };
    // The same policy pasted many times (a describe of every replica, a log repeated) is one
    // document that says where else it was seen.
    let distinct = distinct_policies(paste);
    for (i, (p, lines)) in distinct.iter().take(MAX_DOCUMENTS).enumerate() {
        let mut doc = policy_doc(p, paste.workload_of(p), &format!("policy-{i}"));
        if lines.len() > 1 {
            let shown: Vec<String> = lines.iter().take(20).map(|l| l.to_string()).collect();
            doc.insert(
                3.min(doc.len()),
                para_class(
                    hint::OCCURRENCES,
                    &format!(
                        "The same policy is in the paste {} (lines {}{}).",
                        plural(lines.len(), "time", "times"),
                        shown.join(", "),
                        if lines.len() > 20 { ", …" } else { "" }
                    ),
                ),
            );
        }
        out.documents.push(doc);
    }
    let mut risky: Vec<String> = Vec::new();
    for w in paste.workloads.iter().filter(|w| w.dns_risk()) {
        let name = workload_name(w);
        if !risky.contains(&name) && risky.len() < MAX_DOCUMENTS {
            out.documents
                .push(dns_risk_doc(w, &format!("dns-risk-{}", risky.len())));
            risky.push(name);
        }
    }
    if distinct.len() > MAX_DOCUMENTS {
        out.documents.push(vec![
            heading_text(2, "More policies than shown"),
            para_class(
                hint::NOTE,
                &format!(
                    "The paste holds {} different policies; the first {MAX_DOCUMENTS} are shown. Paste one workload at a time to see the others.",
                    distinct.len()
                ),
            ),
        ]);
    }
    if let Some(doc) = paste_notes_doc(paste) {
        out.documents.push(doc);
    }
    let comparable: Vec<&FoundPolicy> = distinct
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| comparable(p))
        .take(MAX_POLICIES_PER_DENIAL)
        .collect();
    if comparable.is_empty() {
        return out;
    }
    for f in &analysis.findings {
        let FindingKind::Decision(d) = &f.kind else {
            continue;
        };
        let Some(denial) = d.blob.json.as_ref().and_then(Denial::from_decision) else {
            continue;
        };
        if out.comparisons.iter().any(|c| c.key == d.blob.base64) {
            continue;
        }
        let mut blocks = Vec::new();
        for p in &comparable {
            // The denial does not name its container; a workload of one container does.
            let ev = paste
                .workload_of(p)
                .map(|w| {
                    let mut own = w.containers.iter().filter(|c| !c.init);
                    let only = match (own.next(), own.next()) {
                        (Some(c), None) => c.name.as_deref(),
                        _ => None,
                    };
                    Evidence::from_workload(w, only)
                })
                .unwrap_or_default();
            let h = hold(&p.policy, &denial, &ev, &Guest::released_0_3());
            let name = (comparable.len() > 1).then(|| policy_name(p, paste.workload_of(p)));
            blocks.push(comparison_section(&h, &p.policy, name.as_deref()));
        }
        out.comparisons.push(Comparison {
            key: d.blob.base64.clone(),
            blocks,
        });
    }
    out
}

/// A policy a denial can be held against: one of the hcsshim framework with containers or
/// fragments to compare (not Kata, not a fragment text, not a policy cut before its containers).
fn comparable(p: &FoundPolicy) -> bool {
    matches!(
        p.policy.flavor,
        Flavor::Standard | Flavor::FragmentOnly | Flavor::AllowAll
    ) && (!p.policy.container_list().is_empty()
        || !p.policy.fragment_list().is_empty()
        || p.policy.flavor == Flavor::AllowAll)
}

/// Each distinct policy text once, with the lines it was found on.
fn distinct_policies(paste: &PolicyPaste) -> Vec<(&FoundPolicy, Vec<usize>)> {
    let mut out: Vec<(&FoundPolicy, Vec<usize>)> = Vec::new();
    for p in &paste.policies {
        match out
            .iter_mut()
            .find(|(q, _)| q.text == p.text && q.cut == p.cut)
        {
            Some((_, lines)) => lines.push(p.line),
            None => out.push((p, vec![p.line])),
        }
    }
    out
}

/// The Markdown report of a ticket: each finding with its comparison, then the policy's own
/// documents, then the wizard's result.
pub fn ticket_markdown(
    analysis: &Analysis,
    policy: Option<&PolicyReport>,
    wizard_markdown: Option<&str>,
) -> String {
    let Some(policy) = policy.filter(|p| !p.is_empty()) else {
        return super::ticket_markdown(analysis, wizard_markdown);
    };
    let mut md = String::from("# aci-triage report\n\n");
    md.push_str(&plural(analysis.findings.len(), "finding", "findings"));
    md.push_str(" in the pasted text (decoded locally with aci-triage).\n\n");
    for (i, f) in analysis.findings.iter().enumerate() {
        let mut doc = super::finding_doc(f, &format!("finding-{i}"));
        if let FindingKind::Decision(d) = &f.kind {
            if let Some(c) = policy.comparison(&d.blob.base64) {
                doc.extend(c.iter().cloned());
            }
        }
        md.push_str(&markdown(&doc));
        md.push_str("\n---\n\n");
    }
    for doc in &policy.documents {
        md.push_str(&markdown(doc));
        md.push_str("\n---\n\n");
    }
    if let Some(w) = wizard_markdown {
        md.push_str(w);
    }
    md
}

// ---------------------------------------------------------------------------------------------
// Small builders

fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

fn t(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

fn p(class: &'static str, text: Vec<Inline>) -> Block {
    Block::Para { class, text }
}

fn def(term: &str, desc: Vec<Block>) -> (Vec<Inline>, Vec<Block>) {
    (inlines(term), desc)
}

fn def_text(term: &str, desc: Vec<Inline>) -> (Vec<Inline>, Vec<Block>) {
    def(term, vec![p(hint::PLAIN, desc)])
}

fn bullets(class: &'static str, items: Vec<Vec<Inline>>) -> Block {
    Block::List {
        ordered: false,
        class,
        items: items.into_iter().map(|i| vec![p(hint::PLAIN, i)]).collect(),
    }
}

/// A JSON list of strings as one code span (`["/bin/sh","-c","x"]`).
fn argv(a: &[String]) -> String {
    serde_json::to_string(a).unwrap_or_default()
}

fn opt_argv(a: Option<&Vec<String>>) -> Inline {
    match a {
        Some(a) => code(argv(a)),
        None => t("none (null: no command matches)"),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn opt_bool(b: Option<bool>) -> String {
    match b {
        Some(b) => b.to_string(),
        None => "not set".into(),
    }
}

fn more(total: usize, shown: usize, what: &str) -> Option<Block> {
    (total > shown).then(|| {
        para_class(
            hint::NOTE,
            &format!("… and {} more {what}, not listed here.", total - shown),
        )
    })
}

fn signals_text(s: &[i64]) -> String {
    if s.is_empty() {
        return "none".into();
    }
    s.iter()
        .map(|n| match signal_name(*n) {
            Some(name) => format!("{name} ({n})"),
            None => n.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn who_text(w: &Who) -> String {
    format!("{} (containers[{}])", w.label, w.index)
}

// ---------------------------------------------------------------------------------------------
// The policy as a finding

fn workload_name(w: &Workload) -> String {
    let kind = match &w.kind {
        WorkloadKind::Kubernetes(k) => k.clone(),
        WorkloadKind::Arm(t) => t.rsplit('/').next().unwrap_or(t).to_string(),
    };
    match &w.name {
        Some(n) => format!("{kind} {n}"),
        None => kind,
    }
}

fn policy_name(f: &FoundPolicy, w: Option<&Workload>) -> String {
    match (&f.origin, w) {
        (_, Some(w)) => format!("the policy of {}", workload_name(w)),
        (Origin::Describe { pod: Some(pod), .. }, None) => format!("the policy of pod {pod}"),
        (Origin::Rego { header: Some(h) }, None) => format!("the policy \u{201c}{h}\u{201d}"),
        _ => format!("the policy on line {}", f.line),
    }
}

fn origin_text(f: &FoundPolicy, w: Option<&Workload>) -> Vec<Inline> {
    let on = format!(" (line {})", f.line);
    let mut v = match &f.origin {
        Origin::Annotation {
            from_last_applied, ..
        } => {
            let mut v = vec![
                t("From the "),
                code(crate::policy::manifest::CCE_POLICY_ANNOTATION),
                t(" annotation"),
            ];
            if *from_last_applied {
                v.push(t(" in "));
                v.push(code(crate::policy::manifest::LAST_APPLIED_ANNOTATION));
            }
            v
        }
        Origin::KataAnnotation { .. } => vec![
            t("From the "),
            code(crate::policy::manifest::KATA_POLICY_ANNOTATION),
            t(" annotation"),
        ],
        Origin::ArmCcePolicy { .. } => vec![
            t("From the ARM property "),
            code("properties.confidentialComputeProperties.ccePolicy"),
        ],
        Origin::Describe { key, .. } => vec![
            t("From the "),
            code(key.clone()),
            t(" line of a "),
            code("kubectl describe"),
            t(" Annotations block"),
        ],
        Origin::Base64 => vec![t("From a base64 text on its own")],
        Origin::Rego { header } => {
            let mut v = vec![t("Rego policy text pasted as is")];
            if let Some(h) = header {
                v.push(t(" under the header "));
                v.push(code(h.clone()));
            }
            v
        }
    };
    if let Some(w) = w {
        v.push(t(format!(" of {}", workload_name(w))));
    }
    v.push(t(on));
    if let Some(n) = f.encoded_chars {
        v.push(t(format!(
            ": {n} base64 characters, decoded to {} bytes of Rego.",
            f.policy.size
        )));
    } else {
        v.push(t(format!(": {} bytes.", f.policy.size)));
    }
    v
}

/// The sentence for a note about a policy or a paste.
pub fn note_text(n: &Note) -> Vec<Inline> {
    match n {
        Note::NotRego => inlines("The text has no `package` line: it is not a Rego policy, so nothing in it can be compared."),
        Note::NotAscii { count } => inlines(&format!("The policy has {} outside ASCII. confcom writes ASCII only: the text was changed after it was generated, or it was decoded with the wrong encoding.", plural(*count, "character", "characters"))),
        Note::LargePolicy { bytes } => inlines(&format!("The policy is {} KiB. Policies of {} KiB and more are a known cause of failed deployments by themselves (the annotation and the ARM property have size limits): trim debug-mode entries, unused containers or env rules, or move containers into a fragment.", bytes / 1024, LARGE_POLICY_BYTES / 1024)),
        Note::ManyContainers { count } => inlines(&format!("The policy lists {count} containers; only the first {MAX_CONTAINERS} are shown.")),
        Note::PolicyCut { in_value } => inlines(&format!("The policy text ends inside the value of `{in_value}`: what comes after is missing, so those parts are not shown and cannot be compared.")),
        Note::CutByKubectl { kept_chars } => inlines(&format!("`kubectl describe` cut the annotation (it shortens long values and marks them `...`): only the first {kept_chars} base64 characters are in the paste. The parts of the policy they hold are shown; for the whole policy run `kubectl get pod <pod> -o yaml` and paste that.")),
        Note::NotBase64 { problem } => {
            let what = match problem {
                Base64Problem::BadCharacter { at, ch } => format!("the character \u{201c}{}\u{201d} at position {} is not base64", ch.escape_debug(), at + 1),
                Base64Problem::DanglingCharacter => "it ends with a character too many for a whole byte (it was cut)".to_string(),
                Base64Problem::PaddingInside => "it has `=` padding in the middle (two values joined?)".to_string(),
            };
            inlines(&format!("The policy's base64 is damaged: {what}. It was decoded up to that point."))
        }
        Note::JsonPolicy => inlines("The base64 decodes to JSON: the old JSON policy format, which confcom no longer accepts. Regenerate the policy with a current `az confcom acipolicygen`."),
        Note::NotAPolicy => inlines("The value decodes to something that is neither a Rego policy nor JSON: it is not a CCE policy (or it was encoded twice)."),
        Note::EmptyPolicy => inlines("The policy value is empty: no policy yet. `az confcom acipolicygen` fills it in; deployed as is, the group gets no Confidential policy of its own."),
        Note::ArmExpression { text } => vec![t("The policy is an ARM expression, "), code(text.clone()), t(", not the base64 itself: the policy is not in this text. Paste the deployed template (or the parameter's value) to see it.")],
        Note::LastAppliedDiffers => inlines("The policy annotation differs from the copy in `kubectl.kubernetes.io/last-applied-configuration`: the pod was changed after the last `kubectl apply` (the direct annotation is the one in force, and is the one shown)."),
        Note::OnlyInLastApplied => inlines("The policy is only in `kubectl.kubernetes.io/last-applied-configuration`, not among the pod's own annotations: the pod may have been changed since."),
        Note::YamlError { line, message } => inlines(&format!("A YAML document could not be read past line {line} ({message}); what came before it was read.")),
        Note::JsonError { line, message } => inlines(&format!("A JSON document could not be read past line {line} ({message}); what came before it was read.")),
        Note::Encoding { encoding, replaced } => {
            let e = match encoding {
                Encoding::Utf8 => "UTF-8",
                Encoding::Utf8Bom => "UTF-8 with a byte-order mark",
                Encoding::Utf16Le { .. } => "UTF-16 (little-endian)",
                Encoding::Utf16Be { .. } => "UTF-16 (big-endian)",
            };
            let r = if *replaced { "; bytes that were not valid text were replaced" } else { "" };
            inlines(&format!("The file was read as {e}{r}."))
        }
        Note::KataAnnotation => inlines("This is an AKS Confidential Containers (Kata) policy: a different format, enforced by the Kata agent, not by the Confidential ACI framework."),
    }
}

fn flavor_badge(f: &Flavor) -> &'static str {
    match f {
        Flavor::Standard => "confcom policy",
        Flavor::AllowAll => "allow-all",
        Flavor::FragmentOnly => "fragment-only",
        Flavor::Fragment { .. } => "fragment",
        Flavor::Sidecar => "sidecar policy",
        Flavor::Kata => "Kata policy",
        Flavor::OtherPackage(_) => "other package",
    }
}

fn flavor_para(f: &Flavor) -> Option<Block> {
    let s = match f {
        Flavor::Standard => return None,
        Flavor::AllowAll => "An allow-all policy: every enforcement point it defines allows everything, and it lists no containers. It protects nothing; a denial cannot come from it (look for another policy, or a policy that was replaced).".to_string(),
        Flavor::FragmentOnly => "A fragment-only policy: it lists no container of its own (at most the pause container); the workload's containers come from signed fragments that this text does not contain. A comparison can check only what this text lists.".to_string(),
        Flavor::Fragment { namespace } => format!("A policy fragment (`package {namespace}`), loaded by `load_fragment` into a pod's policy; not a pod's policy on its own."),
        Flavor::Sidecar => "A confcom sidecar policy (`package microsoftcontainerinstance`).".to_string(),
        Flavor::Kata => "An AKS Confidential Containers (Kata) genpolicy policy (`package agent_policy`): a different format, enforced by the Kata agent. It is shown in summary and not compared with Confidential ACI denials.".to_string(),
        Flavor::OtherPackage(p) => format!("A Rego module of package `{p}`, not a CCE policy (`package policy`)."),
    };
    Some(para_class(hint::NOTE, &s))
}

/// What each policy-level flag means.
fn flag_meaning(name: &str) -> &'static str {
    match name {
        "allow_properties_access" => "the host may read the container group's properties (get_properties).",
        "allow_dump_stacks" => "the host may dump the guest's stacks (dump_stacks); true in debug mode.",
        "allow_runtime_logging" => "the guest's runtime logs go to the host (runtime_logging); true in debug mode.",
        "allow_environment_variable_dropping" => "an environment variable that matches no rule is dropped instead of denying the container.",
        "allow_unencrypted_scratch" => "the scratch space may be unencrypted.",
        "allow_capability_dropping" => "requested capabilities the policy does not list are dropped instead of denied (framework 0.2.2 and later).",
        "allow_host_network" => "containers may use the host's network namespace.",
        _ => "not a flag the framework reads: it has no effect (the docs' spelling `allow_capabilities_dropping` is one such).",
    }
}

fn field_text<T: std::fmt::Debug>(f: &Field<T>, show: impl Fn(&T) -> String) -> Vec<Inline> {
    match f {
        Field::Absent => vec![t("not set")],
        Field::Value(v) => vec![code(show(v))],
        Field::NotLiteral(s) => vec![code(s.clone()), t(" (not a literal, not evaluated)")],
        Field::Invalid(s) => vec![code(s.clone()), t(" (a value of the wrong type)")],
        Field::Cut => vec![t("cut off in the paste")],
    }
}

fn generation_defs(pol: &Policy, defs: &mut Vec<(Vec<Inline>, Vec<Block>)>) {
    let vf = |v: &Option<crate::policy::model::VersionField>| match v {
        Some(v) => {
            let mut x = field_text(&v.value, |s| s.clone());
            x.push(t(format!(" (as {})", v.key)));
            x
        }
        None => vec![t("not set")],
    };
    let mut gen = Vec::new();
    gen.push(t("API "));
    gen.extend(vf(&pol.api_version));
    gen.push(t(", framework "));
    gen.extend(vf(&pol.framework_version));
    gen.push(t(match &pol.generation {
        Generation::SvnSpelling => ". The old `*_svn` spelling: confcom 0.2.13 or older, or an hcsshim tool of 2023.",
        Generation::Versioned { .. } => ".",
        Generation::Unversioned => ". Without a framework version the framework denies with `framework_version is missing`.",
    }));
    let gen = gen
        .into_iter()
        .flat_map(|i| match i {
            Inline::Text(s) if s.contains('`') => inlines(&s),
            o => vec![o],
        })
        .collect();
    defs.push(def_text("Generation", gen));
}

fn env_rule_inlines(r: &EnvRule) -> Vec<Inline> {
    let strat = |s: &Strategy| match s {
        Strategy::String => "exact".to_string(),
        Strategy::Re2 => "regex".to_string(),
        Strategy::Other(o) => format!("strategy {o:?}: matches nothing"),
    };
    match r {
        EnvRule::Pattern {
            pattern,
            strategy,
            required,
        } => {
            let mut v = vec![code(pattern.clone()), t(format!(" ({})", strat(strategy)))];
            if *required {
                v.push(t(", required"));
            }
            v
        }
        EnvRule::Split {
            name,
            name_strategy,
            value,
            value_strategy,
            required,
        } => {
            let mut v = vec![
                t("name "),
                code(name.clone()),
                t(format!(" ({}), value ", strat(name_strategy))),
                code(value.clone()),
                t(format!(
                    " ({}); the newer split form, which guests before hcsshim 2026-07 do not know",
                    strat(value_strategy)
                )),
            ];
            if *required {
                v.push(t(", required"));
            }
            v
        }
        EnvRule::Unreadable(s) => vec![code(s.clone()), t(" (a rule of another shape)")],
    }
}

fn access_text(a: Access) -> &'static str {
    match a {
        Access::Ro => "read-only",
        Access::Rw => "read-write",
        Access::Unstated => "access not stated",
    }
}

fn mount_inlines(m: &Mount) -> Vec<Inline> {
    let s = |o: &Option<String>| o.clone().unwrap_or_else(|| "(none)".into());
    vec![
        code(s(&m.destination)),
        t(" \u{2190} "),
        code(s(&m.source)),
        t(format!(
            " ({}, {}, options {})",
            s(&m.kind),
            access_text(m.access()),
            argv(&m.options)
        )),
    ]
}

fn container_blocks(c: &Container, out: &mut Vec<Block>) {
    let title = if c.is_pause() {
        format!(
            "Container {}: {} (the built-in pause container)",
            c.index + 1,
            c.label
        )
    } else {
        format!("Container {}: {}", c.index + 1, c.label)
    };
    out.push(Block::Heading {
        level: 4,
        text: text(title),
        id: None,
    });
    let mut defs = Vec::new();
    if let Some(id) = &c.id {
        defs.push(def_text("Image", vec![code(id.clone())]));
    }
    let mut layers = vec![p(
        hint::PLAIN,
        text(format!(
            "{} (dm-verity root hashes, base layer first)",
            plural(c.layers.len(), "layer", "layers")
        )),
    )];
    if !c.layers.is_empty() {
        let list = c
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{:>3}  {l}", i + 1))
            .collect::<Vec<_>>()
            .join("\n");
        layers.push(Block::Details {
            summary: "Layer hashes".into(),
            open: false,
            body: vec![Block::Pre {
                code: list,
                copy: Vec::new(),
            }],
        });
    }
    defs.push(def("Layers", layers));
    defs.push(def_text("Command", vec![opt_argv(c.command.as_ref())]));
    if let Some(w) = &c.working_dir {
        defs.push(def_text("Working directory", vec![code(w.clone())]));
    }
    if !c.env_rules.is_empty() {
        let items = c
            .env_rules
            .iter()
            .take(MAX_ROWS)
            .map(env_rule_inlines)
            .collect();
        let mut v = vec![bullets(hint::VALUES, items)];
        v.extend(more(c.env_rules.len(), MAX_ROWS, "rules"));
        defs.push(def(
            &format!("Environment rules ({})", c.env_rules.len()),
            v,
        ));
    }
    if !c.mounts.is_empty() {
        let items = c.mounts.iter().take(MAX_ROWS).map(mount_inlines).collect();
        let mut v = vec![bullets(hint::VALUES, items)];
        v.extend(more(c.mounts.len(), MAX_ROWS, "mounts"));
        defs.push(def(&format!("Mounts ({})", c.mounts.len()), v));
    }
    if !c.exec_processes.is_empty() {
        let items = c
            .exec_processes
            .iter()
            .take(MAX_ROWS)
            .map(|e| {
                vec![
                    opt_argv(e.command.as_ref()),
                    t(format!(", signals {}", signals_text(&e.signals))),
                ]
            })
            .collect();
        defs.push(def("Exec processes", vec![bullets(hint::VALUES, items)]));
    }
    defs.push(def_text("Signals", text(signals_text(&c.signals))));
    if let Some(u) = &c.user {
        let idn = |i: &crate::policy::model::IdName| format!("{} ({})", i.pattern, i.strategy);
        let mut s = match &u.user_idname {
            Some(i) => format!("user {}", idn(i)),
            None => "user not set".into(),
        };
        if !u.group_idnames.is_empty() {
            let g: Vec<String> = u.group_idnames.iter().map(idn).collect();
            s.push_str(&format!(", groups {}", g.join(", ")));
        }
        if let Some(m) = &u.umask {
            s.push_str(&format!(", umask {m}"));
        }
        defs.push(def_text("User", text(s)));
    }
    let caps = match &c.capabilities {
        None => {
            "not listed (null): the framework's defaults for privileged or unprivileged containers"
                .to_string()
        }
        Some(caps) => caps
            .sets()
            .iter()
            .map(|(n, v)| format!("{n} {}", v.len()))
            .collect::<Vec<_>>()
            .join(", "),
    };
    defs.push(def_text("Capabilities", text(caps)));
    defs.push(def_text(
        "Privileged",
        text(match c.allow_elevated {
            Some(true) => "yes (allow_elevated)",
            Some(false) => "no",
            None => "not set",
        }),
    ));
    if let Some(n) = c.no_new_privileges {
        defs.push(def_text("No new privileges", text(yes_no(n))));
    }
    if let Some(s) = c.allow_stdio_access {
        defs.push(def_text(
            "Stdio",
            text(if s { "allowed" } else { "disabled" }),
        ));
    }
    if let Some(s) = &c.seccomp_profile_sha256 {
        defs.push(def_text(
            "Seccomp profile",
            if s.is_empty() {
                text("none")
            } else {
                vec![t("sha256 "), code(s.clone())]
            },
        ));
    }
    out.push(Block::Defs(defs));
    if !c.missing.is_empty() {
        out.push(para_class(
            hint::WARN,
            &format!(
                "Lacks {}: for an older framework version the framework drops a container without them from every match.",
                c.missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if !c.malformed.is_empty() {
        out.push(para_class(
            hint::WARN,
            &format!(
                "Fields of an unexpected type: {}.",
                c.malformed
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
}

/// The policy as its own finding.
pub fn policy_doc(f: &FoundPolicy, w: Option<&Workload>, heading_id: &str) -> Vec<Block> {
    let pol = &f.policy;
    let title = match w {
        Some(w) => format!("CCE policy of {}", workload_name(w)),
        None => match &f.origin {
            Origin::Describe { pod: Some(pod), .. } => format!("CCE policy of pod {pod}"),
            Origin::Rego { header: Some(h) } => format!("CCE policy: {h}"),
            _ => "CCE policy".to_string(),
        },
    };
    let mut doc = vec![Block::Heading {
        level: 2,
        text: text(title),
        id: Some(heading_id.to_string()),
    }];
    let mut badges = vec![(flavor_badge(&pol.flavor).to_string(), hint::POLICY)];
    if pol.debug_mode {
        badges.push(("debug mode".into(), hint::WARN));
    }
    if f.cut {
        badges.push(("incomplete".into(), hint::WARN));
    }
    doc.push(Block::Badges(badges));
    doc.push(p(hint::PLAIN, origin_text(f, w)));
    for n in f.notes.iter().chain(pol.notes.iter()) {
        doc.push(p(hint::WARN, note_text(n)));
    }
    doc.extend(flavor_para(&pol.flavor));
    if let Some(k) = &pol.kata {
        let mut s = match k.containers {
            Some(n) => format!("It lists {}.", plural(n, "container", "containers")),
            None => "Its container list is not a literal.".to_string(),
        };
        for a in k.process_args.iter().take(MAX_ROWS) {
            s.push_str(&format!(" Process `{}`.", argv(a)));
        }
        doc.push(para(&s));
        return doc;
    }
    if matches!(pol.flavor, Flavor::Fragment { .. }) {
        doc.push(p(
            hint::PLAIN,
            [
                vec![t("Fragment svn: ")],
                field_text(&pol.svn, |s| s.clone()),
            ]
            .concat(),
        ));
    }
    let mut defs = Vec::new();
    generation_defs(pol, &mut defs);
    defs.push(def_text(
        "Debug mode",
        text(if pol.debug_mode {
            "yes: every container may run /bin/sh and /bin/bash (kubectl exec), and dump_stacks and runtime logging may be on. Not for production."
        } else {
            "no"
        }),
    ));
    defs.push(def_text(
        "Stdio",
        text(match pol.stdio {
            Stdio::AllAllowed => "allowed for every container",
            Stdio::AllDisabled => {
                "disabled for every container (--disable-stdio): no container logs reach the host"
            }
            Stdio::Mixed => "allowed for some containers only",
            Stdio::Unknown => "not stated",
        }),
    ));
    let frags = match &pol.fragments {
        Field::Value(list) if list.is_empty() => vec![para(
            "none (`--exclude-default-fragments`): ACI's sidecars (Azure Files, secrets, gitRepo mounts) cannot run",
        )],
        Field::Value(list) => {
            let items = list
                .iter()
                .take(MAX_ROWS)
                .map(|fr| {
                    let s = |o: &Option<String>| o.clone().unwrap_or_else(|| "(none)".into());
                    vec![
                        t("feed "),
                        code(s(&fr.feed)),
                        t(", issuer "),
                        code(s(&fr.issuer)),
                        t(format!(
                            ", minimum svn {}, includes {}",
                            s(&fr.minimum_svn),
                            if fr.includes.is_empty() {
                                "nothing".to_string()
                            } else {
                                fr.includes.join(", ")
                            }
                        )),
                    ]
                })
                .collect();
            vec![bullets(hint::VALUES, items)]
        }
        other => vec![p(hint::PLAIN, field_text(other, |_| String::new()))],
    };
    defs.push(def("Fragments", frags));
    doc.push(Block::Defs(defs));

    if !pol.flags.is_empty() {
        let rows = pol
            .flags
            .iter()
            .map(|fl| {
                vec![
                    vec![p(hint::PLAIN, vec![code(fl.name.clone())])],
                    vec![p(hint::PLAIN, field_text(&fl.value, |b| b.to_string()))],
                    vec![para(flag_meaning(if fl.known { &fl.name } else { "" }))],
                ]
            })
            .collect();
        doc.push(heading_text(3, "Policy-wide flags"));
        doc.push(Block::Table {
            head: vec!["Flag".into(), "Value".into(), "When true".into()],
            rows,
        });
    }
    let custom: Vec<Vec<Inline>> = pol
        .rules
        .iter()
        .filter_map(|r| match &r.binding {
            Binding::Framework(_) => None,
            Binding::Literal { allowed, .. } => Some(vec![
                code(r.point.clone()),
                t(match allowed {
                    Some(true) => ": a literal that always allows",
                    Some(false) => ": a literal that always denies",
                    None => ": a literal result",
                }),
            ]),
            Binding::Custom(s) => Some(vec![
                code(r.point.clone()),
                t(": a custom rule, not evaluated: "),
                code(s.chars().take(200).collect::<String>()),
            ]),
        })
        .collect();
    if !custom.is_empty() && pol.flavor != Flavor::AllowAll {
        doc.push(heading_text(
            3,
            "Enforcement points not left to the framework",
        ));
        doc.push(bullets(hint::PLAIN, custom));
    }
    match &pol.containers {
        Field::Value(list) => {
            doc.push(heading_text(3, &format!("Containers ({})", list.len())));
            for c in list.iter().take(MAX_CONTAINERS) {
                container_blocks(c, &mut doc);
            }
            doc.extend(more(list.len(), MAX_CONTAINERS, "containers"));
        }
        Field::Absent => {}
        other => doc.push(p(
            hint::WARN,
            [
                vec![t("Containers: ")],
                field_text(other, |_| String::new()),
            ]
            .concat(),
        )),
    }
    doc
}

fn heading_text(level: u8, s: &str) -> Block {
    Block::Heading {
        level,
        text: inlines(s),
        id: None,
    }
}

// ---------------------------------------------------------------------------------------------
// The DNS risk and the paste's notes

/// A Confidential pod (or one without kube-proxy) that still has Kubernetes DNS injection.
pub fn dns_risk_doc(w: &Workload, heading_id: &str) -> Vec<Block> {
    let name = workload_name(w);
    let why = if w.confidential {
        "It is a Confidential pod, and Confidential pods on virtual nodes run without kube-proxy"
    } else {
        "It sets `microsoft.containerinstance.virtualnode.injectkubeproxy: \"false\"`, so it runs without kube-proxy"
    };
    let yaml = format!("metadata:\n  annotations:\n    {INJECT_DNS_ANNOTATION}: \"false\"");
    vec![
        Block::Heading {
            level: 2,
            text: text(format!(
                "Cluster DNS unreachable from {name}: every lookup waits for the first nameserver's timeout"
            )),
            id: Some(heading_id.to_string()),
        },
        Block::Badges(vec![("from the manifest".into(), hint::POLICY)]),
        para(&format!(
            "{why}: the cluster DNS is a service IP, which only kube-proxy makes reachable. Virtual nodes still write the cluster DNS IP as the first `nameserver` in the pod's `/etc/resolv.conf` unless the pod sets `{INJECT_DNS_ANNOTATION}: \"false\"`, and this manifest does not. So every name lookup first waits for that silent server to time out (5 s per try with glibc) before the next nameserver answers: outbound calls are slow or fail."
        )),
        heading_text(3, "Fix"),
        para("Turn the DNS injection off on the pod (the pod template of a Deployment, StatefulSet …), so the pod uses the virtual network's DNS. Services then need their full names or IPs (cluster DNS names do not resolve)."),
        Block::Pre {
            code: yaml.clone(),
            copy: vec![("Copy", yaml)],
        },
        Block::Para {
            class: hint::CROSS_LINK,
            text: vec![
                t("To confirm on the running pod, "),
                Inline::Link {
                    href: crate::wizard::CONFIDENTIAL_LINK.to_string(),
                    text: "troubleshoot network latency".into(),
                },
                t("."),
            ],
        },
        crate::report::sources_block([
            "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/Docs/PodCustomizations.md#disable-k8s-dns-injection",
            "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/Docs/Troubleshooting.md#network-troubleshooting",
        ]),
    ]
}

fn paste_notes_doc(paste: &PolicyPaste) -> Option<Vec<Block>> {
    let mut items: Vec<Vec<Inline>> = paste.notes.iter().map(note_text).collect();
    for w in &paste.workloads {
        let named = |mut v: Vec<Inline>| {
            v.insert(0, t(format!("{}: ", workload_name(w))));
            v
        };
        for n in &w.notes {
            items.push(named(note_text(n)));
        }
        // A manifest whose policy could not be read into a FoundPolicy says why here.
        match &w.policy {
            PolicyValue::Empty if !w.notes.contains(&Note::EmptyPolicy) => {
                items.push(named(note_text(&Note::EmptyPolicy)))
            }
            PolicyValue::Expression(e)
                if !w
                    .notes
                    .iter()
                    .any(|n| matches!(n, Note::ArmExpression { .. })) =>
            {
                items.push(named(note_text(&Note::ArmExpression { text: e.clone() })))
            }
            PolicyValue::NotAString(s) => items.push(named(vec![
                t("the policy value is not a string: "),
                code(s.chars().take(200).collect::<String>()),
            ])),
            _ => {}
        }
    }
    if items.is_empty() {
        return None;
    }
    let n = items.len();
    Some(
        vec![
            Block::Heading {
                level: 2,
                text: text("Reading the pasted manifests and policies"),
                id: Some("policy-notes".into()),
            },
            bullets(hint::NOTE, items.into_iter().take(MAX_ROWS).collect()),
        ]
        .into_iter()
        .chain(more(n, MAX_ROWS, "notes"))
        .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// A denial held against the policy

fn candidates_para(h: &Holding, pol: &Policy) -> Block {
    let names: Vec<String> = h
        .candidates
        .containers
        .iter()
        .filter_map(|i| pol.container_list().get(*i))
        .map(|c| c.label.clone())
        .collect();
    let list = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    };
    let how = match h.candidates.basis {
        Basis::Layers => "chosen by their layers, as the enforcer does",
        Basis::ManifestName => "chosen by the manifest's container name (a heuristic: the enforcer matches by layers, which the paste does not show)",
        Basis::AllContainers => "every container of the policy (a heuristic: the enforcer matches by layers, which the paste does not show, so it held only the containers whose layers the overlay had)",
        Basis::NotApplicable => "not needed: this enforcement point does not look at containers",
    };
    if h.candidates.basis == Basis::NotApplicable {
        return para_class(hint::NOTE, &format!("Containers: {how}."));
    }
    p(
        hint::NOTE,
        vec![
            t(format!("Candidate containers ({how}): ")),
            Inline::Strong(list),
            t("."),
        ],
    )
}

fn uncertainty_text(u: &Uncertainty) -> &'static str {
    match u {
        Uncertainty::RedactedEnv => {
            "env values are redacted in denials, so env rules are compared by name only"
        }
        Uncertainty::CapabilityPlaceholder => {
            "the denial names the capabilities only as a placeholder"
        }
        Uncertainty::HeuristicCandidates => "the candidate containers are a heuristic",
        Uncertainty::FragmentContents => {
            "fragments the guest loaded are not in the paste; their containers count too"
        }
        Uncertainty::FragmentSvn => "the fragment's own svn is not in the paste",
        Uncertainty::DeviceHashes => "the earlier device hashes are not in the paste",
        Uncertainty::CustomRule => {
            "the policy binds this point to its own rule, which is not evaluated"
        }
    }
}

/// The comparison of one denial with one policy (`name` says which, when there are several).
pub fn comparison_section(h: &Holding, pol: &Policy, name: Option<&str>) -> Block {
    let mut body = vec![heading_text(
        3,
        &match name {
            Some(n) => format!("Against {n}"),
            None => "Against the pod's policy".to_string(),
        },
    )];
    if h.rule_inferred {
        if let Some(r) = &h.rule {
            body.push(para_class(
                hint::NOTE,
                &format!(
                    "The denial lost its `input` (and with it `rule`); its errors belong to `{r}`."
                ),
            ));
        }
    }
    match &h.binding {
        Some(Binding::Literal { allowed, .. }) => body.push(para_class(
            hint::WARN,
            match allowed {
                Some(true) => "The policy answers this enforcement point with a literal that always allows: this denial did not come from this policy.",
                _ => "The policy answers this enforcement point with a literal, not with the framework.",
            },
        )),
        Some(Binding::Custom(_)) => body.push(para_class(
            hint::WARN,
            "The policy binds this enforcement point to a rule of its own, which is not evaluated here.",
        )),
        _ => {}
    }
    body.push(candidates_para(h, pol));
    if let (Some(pr), Some(agrees)) = (&h.prediction, h.agrees) {
        let mut s = if agrees {
            "Read with the framework's rules (framework 0.3.0, hcsshim v0.10–v0.13), this policy gives exactly the denial's errors.".to_string()
        } else if pr.allowed {
            "Read with the framework's rules (framework 0.3.0, hcsshim v0.10–v0.13), this policy would allow this input: the denial came from another policy, another guest version, or containers that the paste does not show.".to_string()
        } else {
            format!(
                "Read with the framework's rules (framework 0.3.0, hcsshim v0.10–v0.13), this policy gives other errors: {}.",
                pr.errors.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ")
            )
        };
        if !pr.uncertain.is_empty() {
            let u: Vec<&str> = pr.uncertain.iter().map(uncertainty_text).collect();
            s.push_str(&format!(" Not certain: {}.", u.join("; ")));
        }
        body.push(para_class(if agrees { hint::SAME } else { hint::NOTE }, &s));
    }
    if !h.cannot_compare.is_empty() {
        body.push(p(
            hint::WARN,
            [
                vec![t("The platform truncated the denial's input, so these can no longer be compared with the policy: ")],
                h.cannot_compare
                    .iter()
                    .enumerate()
                    .flat_map(|(i, f)| {
                        let mut v = vec![code(*f)];
                        if i + 1 < h.cannot_compare.len() {
                            v.push(t(", "));
                        }
                        v
                    })
                    .collect(),
                vec![t(".")],
            ]
            .concat(),
        ));
    }
    for ec in &h.checks {
        check_blocks(ec, &mut body);
    }
    if !h.manifest_checks.is_empty() {
        body.push(heading_text(
            4,
            "The manifest against the policy (not what ran: the denial's input is missing)",
        ));
        for mc in &h.manifest_checks {
            let who = mc
                .policy_container
                .as_ref()
                .map(who_text)
                .unwrap_or_else(|| "no policy container of that name".into());
            let mut items: Vec<Vec<Inline>> = mc.diffs.iter().map(manifest_diff).collect();
            if items.is_empty() {
                items.push(text("nothing differs in what the manifest shows"));
            }
            body.push(p(
                hint::PLAIN,
                vec![
                    t("Manifest container "),
                    code(mc.container.clone().unwrap_or_else(|| "(unnamed)".into())),
                    t(format!(" against {who}:")),
                ],
            ));
            body.push(bullets(hint::DIFFERS, items));
        }
    }
    Block::Section {
        class: hint::POLICY,
        body,
    }
}

fn manifest_diff(d: &ManifestDiff) -> Vec<Inline> {
    match d {
        ManifestDiff::Command {
            manifest,
            policy,
            args_only,
            first_difference,
        } => {
            let mut v = vec![
                t(if *args_only {
                    "args (after the image's ENTRYPOINT) "
                } else {
                    "command "
                }),
                code(argv(manifest)),
                t(" against the policy's "),
                opt_argv(policy.as_ref()),
            ];
            if let Some(i) = first_difference {
                v.push(t(format!("; first difference at element {}", i + 1)));
            }
            v
        }
        ManifestDiff::Image { manifest, policy } => vec![
            t("image "),
            code(manifest.clone()),
            t(" against the policy's "),
            code(policy.clone().unwrap_or_else(|| "(no id)".into())),
        ],
        ManifestDiff::EnvWithoutRule { name } => {
            vec![
                t("env var "),
                code(name.clone()),
                t(" has no rule in the policy"),
            ]
        }
        ManifestDiff::MountMissing { path } => {
            vec![
                t("volume mount "),
                code(path.clone()),
                t(" has no mount in the policy"),
            ]
        }
        ManifestDiff::MountAccess {
            path,
            manifest_read_only,
            policy,
        } => vec![
            t("volume mount "),
            code(path.clone()),
            t(format!(
                " is {} in the manifest, {} in the policy",
                if *manifest_read_only {
                    "read-only"
                } else {
                    "read-write"
                },
                access_text(*policy)
            )),
        ],
        ManifestDiff::Privileged { manifest, policy } => text(format!(
            "privileged {manifest} in the manifest, allow_elevated {} in the policy",
            opt_bool(*policy)
        )),
        ManifestDiff::WorkingDir { manifest, policy } => vec![
            t("working directory "),
            code(manifest.clone()),
            t(" against the policy's "),
            code(policy.clone().unwrap_or_else(|| "(none)".into())),
        ],
    }
}

fn command_blocks(c: &CommandCheck, out: &mut Vec<Block>) {
    let what = match c.source {
        CommandSource::Container => "the containers' `command`",
        CommandSource::Exec => "the containers' `exec_processes`",
        CommandSource::External => "the policy's `external_processes`",
    };
    let mut lead = vec![t("The denial ran ")];
    lead.push(match &c.argv {
        Some(a) => code(argv(a)),
        None => t("a command the denial no longer shows"),
    });
    lead.extend(inlines(&format!("; held against {what}:")));
    out.push(p(hint::PLAIN, lead));
    let mut items = Vec::new();
    for r in c.rows.iter().take(MAX_ROWS) {
        let mut v = vec![t(format!("{}: ", who_text(&r.who)))];
        if let Some(j) = r.process {
            v[0] = t(format!("{} process {}: ", who_text(&r.who), j + 1));
        }
        v.push(opt_argv(r.expected.as_ref()));
        if r.matches {
            v.push(t(" \u{2014} the same"));
        } else if let (Some(i), Some(e), Some(a)) = (r.first_difference, &r.expected, &c.argv) {
            let el = |x: Option<&String>| match x {
                Some(s) => code(s.clone()),
                None => t("nothing"),
            };
            v.push(t(format!(
                " \u{2014} differs at element {}: the policy has ",
                i + 1
            )));
            v.push(el(e.get(i)));
            v.push(t(", the denial ran "));
            v.push(el(a.get(i)));
        }
        items.push(v);
    }
    if items.is_empty() {
        items.push(text("no candidate has a command to compare"));
    }
    out.push(bullets(hint::DIFFERS, items));
    out.extend(more(c.rows.len(), MAX_ROWS, "rows"));
    for m in &c.manifest {
        let mut v = vec![t("Likely origin, the manifest's container ")];
        v.push(code(
            m.container.clone().unwrap_or_else(|| "(unnamed)".into()),
        ));
        if m.command.is_none() && m.args.is_none() {
            v.push(t(": neither command nor args set, so the policy's command is the image's ENTRYPOINT and CMD. An image changed under the same tag (or a different ENTRYPOINT/CMD) makes this error; regenerate the policy, and pin the image by digest."));
            out.push(p(hint::NOTE, v));
            continue;
        }
        v.push(t(": command "));
        v.push(match &m.command {
            Some(a) => code(argv(a)),
            None => t("not set"),
        });
        v.push(t(", args "));
        v.push(match &m.args {
            Some(a) => code(argv(a)),
            None => t("not set"),
        });
        v.push(t(". confcom writes command + args (with the image's ENTRYPOINT/CMD filling what is not set): a change to either after the policy was generated makes this error; regenerate the policy."));
        out.push(p(hint::NOTE, v));
    }
}

fn check_blocks(ec: &ErrorCheck, out: &mut Vec<Block>) {
    out.push(Block::Heading {
        level: 4,
        text: vec![code(ec.error.clone())],
        id: None,
    });
    match &ec.check {
        Check::Command(c) => command_blocks(c, out),
        Check::DeviceHash(d) => {
            let hash = d
                .hash
                .clone()
                .unwrap_or_else(|| "(not in the denial)".into());
            if !d.hits.is_empty() {
                let items = d
                    .hits
                    .iter()
                    .take(MAX_ROWS)
                    .map(|h| {
                        text(format!(
                            "{}: layer {} of {} (base layer = 1)",
                            who_text(&h.who),
                            h.position,
                            h.of
                        ))
                    })
                    .collect();
                out.push(p(
                    hint::SAME,
                    vec![t("The hash "), code(hash), t(" is in the policy:")],
                ));
                out.push(bullets(hint::SAME, items));
            } else {
                out.push(p(
                    hint::DIFFERS,
                    vec![
                        t("The hash "),
                        code(hash),
                        t(" is in no container's layers in this policy: the image (or one of its layers) changed after the policy was generated. Regenerate the policy for the image that runs, or pin the image by digest."),
                    ],
                ));
            }
            for h in &d.case_only {
                out.push(para_class(hint::NOTE, &format!("{} has it in other letter case at layer {} of {}; the enforcer compares exactly.", who_text(&h.who), h.position, h.of)));
            }
            if d.fragments > 0 {
                out.push(para_class(hint::NOTE, &format!("The policy allows {}: a layer may come from one of them (ACI's sidecars come from the infrastructure fragment), which this text does not show.", plural(d.fragments, "fragment", "fragments"))));
            }
        }
        Check::Overlay(o) => {
            let items = o
                .rows
                .iter()
                .take(MAX_ROWS)
                .map(|(w, n, ok)| {
                    text(format!(
                        "{}: {} — {}",
                        who_text(w),
                        plural(*n, "layer", "layers"),
                        match ok {
                            Some(true) => "matches",
                            Some(false) => "differs",
                            None => "not known (the device hashes are not in the paste)",
                        }
                    ))
                })
                .collect();
            out.push(para(&format!(
                "The overlay asked for {}:",
                o.layers_requested
                    .map(|n| plural(n, "layer", "layers"))
                    .unwrap_or_else(|| "layers the denial no longer shows".into())
            )));
            out.push(bullets(hint::DIFFERS, items));
        }
        Check::EnvList(e) => {
            let items = e
                .names
                .iter()
                .take(MAX_ROWS)
                .map(|n| {
                    let mut v = vec![code(n.name.clone()), t(": ")];
                    if n.rules.is_empty() {
                        v.push(Inline::Strong("no rule".into()));
                    } else {
                        for (i, r) in n.rules.iter().take(5).enumerate() {
                            if i > 0 {
                                v.push(t("; "));
                            }
                            v.push(t(format!("{}: ", r.who.label)));
                            v.extend(env_rule_inlines(&r.rule));
                            v.push(t(match &r.fit {
                                EnvRuleFit::Matches => " matches",
                                EnvRuleFit::SameName { .. } => " (the value must be exactly this)",
                                EnvRuleFit::PatternMayMatch => " may match (the value is hidden)",
                                EnvRuleFit::OnlyUnanchored => {
                                    " matches only on guests before hcsshim v0.14 (unanchored)"
                                }
                            }));
                        }
                    }
                    v
                })
                .collect();
            out.push(bullets(hint::DIFFERS, items));
            out.push(para_class(
                hint::NOTE,
                &match e.dropping {
                    Some(true) => "`allow_environment_variable_dropping` is true: a variable that matches no rule is dropped, not denied, so this error means a variable the policy requires, or one with a rule whose value differs.".to_string(),
                    Some(false) => "`allow_environment_variable_dropping` is false: every variable must match a rule. Add the variable to the manifest before generating the policy, or set the flag.".to_string(),
                    None => "`allow_environment_variable_dropping` is not set (false): every variable must match a rule.".to_string(),
                },
            ));
            if e.redacted {
                out.push(para_class(hint::NOTE, "The denial redacts the values (`<<redacted>>`): only the names can be compared."));
            }
        }
        Check::RequiredEnv(r) => {
            let items = r
                .missing
                .iter()
                .take(MAX_ROWS)
                .map(|(w, pat)| vec![t(format!("{}: ", who_text(w))), code(pat.clone())])
                .collect();
            out.push(para(
                "Required rules that no variable of the input matches:",
            ));
            out.push(bullets(hint::DIFFERS, items));
        }
        Check::Mounts(m) => {
            for d in m.destinations.iter().take(MAX_ROWS) {
                let mut v = vec![t("Destination "), code(d.destination.clone())];
                if let Some(i) = &d.input {
                    v.push(t(": the container asked for "));
                    v.extend(mount_inlines(i));
                }
                out.push(p(hint::PLAIN, v));
                if d.default_destination {
                    out.push(para_class(hint::NOTE, "A destination the guest's defaults cover (containerd or networking mounts): always allowed."));
                }
                let items: Vec<Vec<Inline>> = if d.policy.is_empty() {
                    vec![vec![Inline::Strong(
                        "The policy has no mount with this destination.".into(),
                    )]]
                } else {
                    d.policy
                        .iter()
                        .take(MAX_ROWS)
                        .map(|r| {
                            let mut v = vec![t(format!("{}: ", who_text(&r.who)))];
                            v.extend(mount_inlines(&r.mount));
                            v.push(t(" \u{2014} "));
                            v.extend(mount_diff(&r.diff));
                            v
                        })
                        .collect()
                };
                out.push(bullets(hint::DIFFERS, items));
            }
        }
        Check::WorkingDir(v) | Check::Seccomp(v) | Check::NoNewPrivileges(v) => {
            let show = |x: &Option<serde_json::Value>| match x {
                Some(serde_json::Value::String(s)) => code(s.clone()),
                Some(o) => code(o.to_string()),
                None => t("(not set)"),
            };
            out.push(p(
                hint::PLAIN,
                vec![
                    t("The denial has "),
                    code(v.field),
                    t(" "),
                    show(&v.input),
                    t("."),
                ],
            ));
            let items = v
                .rows
                .iter()
                .take(MAX_ROWS)
                .map(|(w, x, same)| {
                    vec![
                        t(format!("{}: ", who_text(w))),
                        show(x),
                        t(if *same {
                            " \u{2014} the same"
                        } else {
                            " \u{2014} differs"
                        }),
                    ]
                })
                .collect();
            out.push(bullets(hint::DIFFERS, items));
        }
        Check::User(u) => {
            let show = |x: &Option<serde_json::Value>| {
                x.as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "(not set)".into())
            };
            out.push(p(
                hint::PLAIN,
                vec![
                    t("The denial has user "),
                    code(show(&u.input_user)),
                    t(", groups "),
                    code(show(&u.input_groups)),
                    t(", umask "),
                    code(show(&u.input_umask)),
                    t("."),
                ],
            ));
            let items = u
                .rows
                .iter()
                .take(MAX_ROWS)
                .map(|(w, _, parts)| {
                    let ps: Vec<String> = parts
                        .iter()
                        .map(|p| match p {
                            UserPart::Umask => "the umask differs".to_string(),
                            UserPart::User => "the user matches no user rule".to_string(),
                            UserPart::Group(i) => format!("group {} matches no group rule", i + 1),
                            UserPart::NoRule => "it has no user rule".to_string(),
                        })
                        .collect();
                    text(format!(
                        "{}: {}",
                        who_text(w),
                        if ps.is_empty() {
                            "matches".to_string()
                        } else {
                            ps.join(", ")
                        }
                    ))
                })
                .collect();
            out.push(bullets(hint::DIFFERS, items));
        }
        Check::Capabilities(c) => {
            if let Some(ph) = &c.placeholder {
                out.push(para_class(
                    hint::NOTE,
                    &format!("The denial names the capabilities only as `{ph}`."),
                ));
            }
            let items = c
                .rows
                .iter()
                .take(MAX_ROWS)
                .map(|r| {
                    let diffs: Vec<String> = r
                        .sets
                        .iter()
                        .filter(|(_, a, b)| !a.is_empty() || !b.is_empty())
                        .map(|(n, allowed_only, requested_only)| {
                            let mut s = format!("{n}:");
                            if !requested_only.is_empty() {
                                s.push_str(&format!(
                                    " asked for {} the policy does not list",
                                    requested_only.join(", ")
                                ));
                            }
                            if !allowed_only.is_empty() {
                                s.push_str(&format!(
                                    " the policy lists {} not asked for",
                                    allowed_only.join(", ")
                                ));
                            }
                            s
                        })
                        .collect();
                    text(format!(
                        "{}: {}",
                        who_text(&r.who),
                        if diffs.is_empty() {
                            "the same".to_string()
                        } else {
                            diffs.join("; ")
                        }
                    ))
                })
                .collect();
            out.push(bullets(hint::DIFFERS, items));
            out.push(para_class(
                hint::NOTE,
                if c.dropping {
                    "Capability dropping is on: capabilities asked for beyond the policy's are dropped; only missing ones fail."
                } else {
                    "Capability dropping is off: the sets must be equal."
                },
            ));
        }
        Check::Privileged(pv) => {
            let items = pv
                .rows
                .iter()
                .map(|(w, e)| text(format!("{}: allow_elevated {}", who_text(w), opt_bool(*e))))
                .collect();
            out.push(para(&format!(
                "The container asked to be privileged: {}.",
                opt_bool(pv.input)
            )));
            out.push(bullets(hint::DIFFERS, items));
        }
        Check::Signal(s) => {
            let sig = match (s.signal, s.name) {
                (Some(n), Some(name)) => format!("{name} ({n})"),
                (Some(n), None) => n.to_string(),
                _ => "a signal the denial no longer shows".into(),
            };
            let whom = match s.is_init {
                Some(true) => "the container's init process",
                Some(false) => "a process started with exec",
                None => "a process",
            };
            out.push(para(&format!("The host sent {sig} to {whom}.")));
            let items = s
                .rows
                .iter()
                .take(MAX_ROWS)
                .map(|r| {
                    let mut x = format!("{}: signals {}", who_text(&r.who), signals_text(&r.signals));
                    if !r.backfilled.is_empty() {
                        x.push_str(&format!(" (of which {} added by newer guests for policies before framework 0.4.1)", signals_text(&r.backfilled)));
                    }
                    if let Some(e) = &r.exec_signals {
                        x.push_str(&format!("; the exec process with this command: {}", signals_text(e)));
                    }
                    text(x)
                })
                .collect();
            out.push(bullets(hint::DIFFERS, items));
        }
        Check::Fragment(f) => {
            let s = |o: &Option<String>| o.clone().unwrap_or_else(|| "(not known)".into());
            out.push(p(
                hint::PLAIN,
                vec![
                    t("The fragment: issuer "),
                    code(s(&f.issuer)),
                    t(", feed "),
                    code(s(&f.feed)),
                    t(format!(", svn {}.", s(&f.svn))),
                ],
            ));
            let items: Vec<Vec<Inline>> = if f.rows.is_empty() {
                vec![text("The policy allows no fragments.")]
            } else {
                f.rows
                    .iter()
                    .take(MAX_ROWS)
                    .map(|r| {
                        text(format!(
                            "fragments[{}]: issuer {}, feed {}, minimum svn {} {}",
                            r.index,
                            if r.issuer_matches {
                                "matches"
                            } else {
                                "differs"
                            },
                            if r.feed_matches { "matches" } else { "differs" },
                            s(&r.fragment.minimum_svn),
                            match r.svn_ok {
                                Some(true) => "(met)",
                                Some(false) => "(not met)",
                                None => "(the fragment's svn is not known)",
                            }
                        ))
                    })
                    .collect()
            };
            out.push(bullets(hint::DIFFERS, items));
        }
        Check::FrameworkVersion(v) => {
            let pol = match &v.policy {
                Some((val, key)) => format!("the policy's `{key}` is `{val}`"),
                None => "the policy has no framework version".to_string(),
            };
            out.push(para(&format!(
                "{pol}; the guest's framework is `{}`{}",
                v.guest,
                if v.ahead {
                    ": the policy was generated by a newer confcom than this guest knows. Generate it with the confcom version that matches the platform, or wait for the platform update."
                } else {
                    "."
                }
            )));
        }
        Check::Flag(f) => {
            out.push(p(
                hint::DIFFERS,
                vec![
                    t("The host asked for "),
                    code(f.rule.clone()),
                    t(", which the policy flag "),
                    code(f.flag),
                    t(format!(
                        " governs; the policy sets it to {}. When true: {}",
                        match f.value {
                            Some(v) => v.to_string(),
                            None => "nothing (read as false)".into(),
                        },
                        flag_meaning(f.flag)
                    )),
                ],
            ));
        }
        Check::Other => out.push(para_class(
            hint::MUTED,
            "No comparison with the policy for this error.",
        )),
    }
}

fn mount_diff(d: &MountDiff) -> Vec<Inline> {
    let s = |o: &Option<String>| o.clone().unwrap_or_else(|| "(none)".into());
    match d {
        MountDiff::None => text("allows it"),
        MountDiff::Type { policy, input } => vec![
            t("the type differs: policy "),
            code(s(policy)),
            t(", asked "),
            code(s(input)),
        ],
        MountDiff::Source {
            policy,
            input,
            only_unanchored,
        } => {
            let mut v = vec![
                t("the source differs: policy "),
                code(s(policy)),
                t(", asked "),
                code(s(input)),
            ];
            if *only_unanchored {
                v.push(t(
                    " (matches only on guests before hcsshim v0.15, unanchored)",
                ));
            }
            v
        }
        MountDiff::Options {
            policy_only,
            input_only,
        } => {
            let mut v = vec![t("the options differ:")];
            if !policy_only.is_empty() {
                v.push(t(" the policy has "));
                v.push(code(argv(policy_only)));
            }
            if !input_only.is_empty() {
                v.push(t(" the container asked for "));
                v.push(code(argv(input_only)));
            }
            if policy_only.iter().any(|o| o == "ro") || input_only.iter().any(|o| o == "ro") {
                v.push(t(" (read-only against read-write: a configMap, secret or readOnly volume is `ro` in confcom's policy)"));
            }
            v
        }
    }
}
