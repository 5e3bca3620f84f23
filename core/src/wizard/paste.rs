//! What a pasted manifest answers in the wizard: the paste's [`Facts`] → suggested answers.
//!
//! The policy reader (`crate::policy`) reads the pods a paste describes; [`Facts::from_workloads`]
//! keeps what the network questions need (Confidential, kube-proxy off, DNS injection off), and
//! [`pre_answer`] says, for one question, which answer the paste gives and why (the annotation
//! and its value). [`pre_answers`] follows the graph from a state as far as the paste answers.
//!
//! How a pre-answered state is addressed: **the `#wizard/…` fragment holds only answers, as
//! ever**; pre-answers are not in it. They are derived from the paste at each render (a reload
//! restores the paste from storage and reads it again, so it shows the same), marked "from your
//! paste" beside the question and in the breadcrumb. Taking them ("Use the answers from your
//! paste") makes them ordinary answers in the path (the breadcrumb still says they agree with the
//! paste), and the user can pick any other answer instead: the wizard follows that. A share link
//! of a wizard step carries the answers only, never the paste's facts.
//!
//! Only Kubernetes workloads give facts: the wizard is about pods on virtual nodes, and the
//! annotations it asks about are those of the pod template. When the pasted pods disagree on a
//! fact, the paste answers nothing (it does not say which pod is the affected one).

use serde::{Deserialize, Serialize};

use super::graph::{Graph, Node};
use super::state::WizardState;
use crate::policy::manifest::{
    Workload, WorkloadKind, CCE_POLICY_ANNOTATION, INJECT_DNS_ANNOTATION,
    INJECT_KUBE_PROXY_ANNOTATION,
};

/// What a paste's manifests tell about the pods the wizard asks about.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Facts {
    /// The pod (or workload) the facts are about, as the cards name it (`Pod web`,
    /// `Deployment api`; several joined by `, `).
    pub pod: String,
    /// The pod template has the `ccepolicy` annotation (even empty): a Confidential pod.
    pub confidential: bool,
    /// `injectkubeproxy: "false"`.
    pub kube_proxy_off: bool,
    /// `injectdns: "false"`.
    pub dns_injection_off: bool,
}

/// One question answered by the paste.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreAnswer {
    pub question: &'static str,
    pub answer: &'static str,
    /// Why, naming the annotation and its value (plain text with `code` in backticks).
    pub because: String,
}

fn is_false(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|x| x.trim().eq_ignore_ascii_case("false"))
}

fn name(w: &Workload) -> String {
    let WorkloadKind::Kubernetes(kind) = &w.kind else {
        return String::new();
    };
    match &w.name {
        Some(n) => format!("{kind} {n}"),
        None => kind.clone(),
    }
}

impl Facts {
    /// The facts of the Kubernetes workloads in a paste; `None` without one, or when they
    /// disagree on any fact.
    pub fn from_workloads(workloads: &[Workload]) -> Option<Facts> {
        let mut out: Option<Facts> = None;
        let mut names: Vec<String> = Vec::new();
        for w in workloads
            .iter()
            .filter(|w| matches!(w.kind, WorkloadKind::Kubernetes(_)))
        {
            let f = Facts {
                pod: String::new(),
                confidential: w.confidential,
                kube_proxy_off: is_false(&w.inject_kube_proxy),
                dns_injection_off: is_false(&w.inject_dns),
            };
            match &out {
                Some(o) if *o != f => return None,
                Some(_) => {}
                None => out = Some(f),
            }
            let n = name(w);
            if !names.contains(&n) {
                names.push(n);
            }
        }
        let mut f = out?;
        f.pod = if names.len() > 3 {
            format!("{} and {} more", names[..3].join(", "), names.len() - 3)
        } else {
            names.join(", ")
        };
        Some(f)
    }

    fn without_kube_proxy(&self) -> Option<String> {
        let pod = &self.pod;
        if self.confidential {
            Some(format!(
                "{pod} has the `{CCE_POLICY_ANNOTATION}` annotation: a Confidential pod, which runs without kube-proxy"
            ))
        } else if self.kube_proxy_off {
            Some(format!(
                "{pod} sets `{INJECT_KUBE_PROXY_ANNOTATION}: \"false\"`"
            ))
        } else {
            None
        }
    }

    fn dns(&self) -> (bool, String) {
        let pod = &self.pod;
        if self.dns_injection_off {
            (
                false,
                format!("{pod} sets `{INJECT_DNS_ANNOTATION}: \"false\"`"),
            )
        } else {
            (
                true,
                format!(
                    "{pod} has no `{INJECT_DNS_ANNOTATION}: \"false\"` annotation, so the injection is on (the default)"
                ),
            )
        }
    }
}

/// The answer the paste gives to question `question_id`, if it decides it. Questions that ask
/// what a command printed (the `-check` questions) or what the user sees are never pre-answered:
/// a manifest says what was asked for, not what happened.
pub fn pre_answer(facts: &Facts, question_id: &str) -> Option<PreAnswer> {
    let (question, answer, because): (&'static str, &'static str, String) = match question_id {
        "generation" if facts.confidential => (
            "generation",
            "v2",
            format!(
                "{} has the `{CCE_POLICY_ANNOTATION}` annotation: only virtual nodes v2 run Confidential pods",
                facts.pod
            ),
        ),
        "proxy" => {
            let why = facts.without_kube_proxy()?;
            let a = if facts.confidential {
                "confidential"
            } else {
                "no-kube-proxy"
            };
            ("proxy", a, why)
        }
        "proxy-check" => {
            let why = facts.without_kube_proxy()?;
            let a = if facts.confidential {
                "ccepolicy"
            } else {
                "injectkubeproxy"
            };
            ("proxy-check", a, why)
        }
        "cc-dns" | "dns-injected" => {
            let (on, why) = facts.dns();
            let q = if question_id == "cc-dns" {
                "cc-dns"
            } else {
                "dns-injected"
            };
            (q, if on { "on" } else { "off" }, why)
        }
        "cluster-proxy" => match facts.without_kube_proxy() {
            Some(why) => ("cluster-proxy", "no-kube-proxy", why),
            None if facts.dns_injection_off => ("cluster-proxy", "dns-off", facts.dns().1),
            None => return None,
        },
        _ => return None,
    };
    Some(PreAnswer {
        question,
        answer,
        because,
    })
}

/// Every question id [`pre_answer`] may answer, with the answers it may give (the host tests
/// check them against the graph: a renamed id there fails them).
pub const PRE_ANSWERED: &[(&str, &[&str])] = &[
    ("generation", &["v2"]),
    ("proxy", &["confidential", "no-kube-proxy"]),
    ("proxy-check", &["ccepolicy", "injectkubeproxy"]),
    ("cc-dns", &["on", "off"]),
    ("dns-injected", &["on", "off"]),
    ("cluster-proxy", &["no-kube-proxy", "dns-off"]),
];

/// From `state`, the questions the paste answers one after another (answering each as the paste
/// says), and the state after them: where "Use the answers from your paste" leads. Empty when
/// the paste does not answer the current question.
pub fn pre_answers(g: &Graph, state: &WizardState, facts: &Facts) -> (Vec<PreAnswer>, WizardState) {
    let mut out = Vec::new();
    let mut s = state.clone();
    // A graph has no cycles (build.rs refuses them); the bound is for hand-made graphs.
    for _ in 0..g.nodes.len() {
        let Node::Question(q) = s.current(g) else {
            break;
        };
        let Some(p) = pre_answer(facts, q.id) else {
            break;
        };
        let Ok(next) = s.answer(g, p.answer) else {
            break;
        };
        s = next;
        out.push(p);
    }
    (out, s)
}

/// What the wizard shows of the paste at `state` (a question of `g`), as a document: the
/// answer the paste gives, why, and the link that takes it and every answer the paste gives
/// after it ([`pre_answers`]); at the first question, which pod the paste describes. `href`
/// makes a state's link. `None` when the paste has nothing to say here.
pub fn doc(
    g: &Graph,
    state: &WizardState,
    facts: &Facts,
    href: impl Fn(&WizardState) -> String,
) -> Option<Vec<crate::report::Block>> {
    use crate::report::{hint, inlines, Block, Inline};
    let q = state.question(g)?;
    let para = |text| Block::Para {
        class: hint::FROM_PASTE,
        text,
    };
    let Some(p) = pre_answer(facts, q.id) else {
        return state.is_empty().then(|| {
            vec![para(vec![Inline::Text(format!(
                "Your paste describes {}: the questions its manifest answers are marked \u{201c}from your paste\u{201d}.",
                facts.pod
            ))])]
        });
    };
    let label = q.answer(p.answer)?.label;
    let (taken, end) = pre_answers(g, state, facts);
    let mut text = vec![Inline::Strong("From your paste: ".into())];
    text.extend(inlines(label));
    text.push(Inline::Text(". ".into()));
    text.extend(inlines(&p.because));
    text.push(Inline::Text(". ".into()));
    text.push(Inline::Link {
        href: href(&end),
        text: if taken.len() > 1 {
            format!("Use the {} answers from your paste", taken.len())
        } else {
            "Use the answer from your paste".into()
        },
    });
    Some(vec![para(text)])
}
