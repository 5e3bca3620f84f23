//! The network troubleshooting graph for pods on AKS virtual nodes: data only.
//!
//! Order: symptom, generation, NAT gateway, Confidential / kube-proxy-less pods and DNS
//! injection, then the phase of the call (DNS, routes, NSG, SNAT, idle timeout, destination);
//! separate branches for cluster services and pods that don't start. Question `x`'s "I don't
//! know" leads to `x-check` (see `tests/wizard.rs`). Placeholders: `<pod>`, `<namespace>`,
//! `<vnet-rg>` / `<vnet>` (the cluster's VNet), `<rg>`, `<release>` / `<vn-namespace>` (the
//! virtual-nodes Helm release); `cg` is the default ACI subnet name.

use super::graph::{Answer, Check, Graph, Node, Outcome, Question, Step};
use std::sync::LazyLock;

// ---- sources

macro_rules! vn {
    ($path:literal) => {
        concat!(
            "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/",
            $path
        )
    };
}
macro_rules! ms {
    ($path:literal) => {
        concat!("https://learn.microsoft.com/azure/", $path)
    };
}

macro_rules! VN_TROUBLESHOOTING {
    () => {
        vn!("Docs/Troubleshooting.md#network-troubleshooting")
    };
}
macro_rules! VN_README_VNET {
    () => {
        vn!("README.md#step-2-azure-virtual-network")
    };
}
macro_rules! VN_README_LIMITS {
    () => {
        vn!("README.md#limitations-of-the-prior-virtual-node-vs-this-virtual-node-on-azure-container-instances")
    };
}
macro_rules! VN_README_HELM {
    () => {
        vn!("README.md#installing-the-virtual-node-application-via-helm")
    };
}
macro_rules! VN_POD_ANNOTATIONS {
    () => {
        vn!("Docs/PodCustomizations.md#controlling-behaviors-through-pod-annotations-and-labels")
    };
}
macro_rules! VN_POD_KUBEPROXY {
    () => {
        vn!("Docs/PodCustomizations.md#disable-kube-proxy")
    };
}
macro_rules! VN_POD_INJECTDNS {
    () => {
        vn!("Docs/PodCustomizations.md#disable-k8s-dns-injection")
    };
}
macro_rules! VN_POD_CONFIDENTIAL {
    () => {
        vn!("Docs/PodCustomizations.md#confidential-containers")
    };
}
macro_rules! VN_POD_DEBUG {
    () => {
        vn!("Docs/PodCustomizations.md#debug-mode")
    };
}
macro_rules! VN_POD_SUBNETS {
    () => {
        vn!("Docs/PodCustomizations.md#using-virtual-nodes-with-multiple-subnets")
    };
}
macro_rules! VN_NODE_KUBEPROXY {
    () => {
        vn!("Docs/NodeCustomizations.md#disabling-the-kube-proxy")
    };
}
macro_rules! VN_NODE_SUBNETS {
    () => {
        vn!("Docs/NodeCustomizations.md#default-aci-subnet-behaviors-with-a-customized-acisubnetname")
    };
}
macro_rules! VN_HIGH_SCALE {
    () => {
        vn!("Docs/HighScaleBestPractices.md#kube-proxy")
    };
}
macro_rules! VN_SUPPORT {
    () => {
        vn!("SUPPORT.md")
    };
}
macro_rules! ACI_VNET {
    () => {
        ms!("container-instances/container-instances-virtual-network-concepts")
    };
}
macro_rules! ACI_NAT {
    () => {
        ms!("container-instances/container-instances-nat-gateway")
    };
}
macro_rules! ACI_CUSTOM_DNS {
    () => {
        ms!("container-instances/container-instances-custom-dns")
    };
}
macro_rules! AKS_VN1 {
    () => {
        ms!("aks/virtual-nodes")
    };
}
macro_rules! AKS_VN2 {
    () => {
        ms!("aks/virtual-nodes-v2")
    };
}
macro_rules! AKS_ILB {
    () => {
        ms!("aks/internal-lb")
    };
}
macro_rules! AKS_COREDNS {
    () => {
        ms!("aks/coredns-troubleshoot")
    };
}
macro_rules! NAT_OVERVIEW {
    () => {
        ms!("nat-gateway/nat-overview")
    };
}
macro_rules! NAT_RESOURCE {
    () => {
        ms!("nat-gateway/nat-gateway-resource#idle-timeout-timers")
    };
}
macro_rules! NAT_TROUBLESHOOT {
    () => {
        ms!("nat-gateway/troubleshoot-nat-connectivity")
    };
}
macro_rules! NAT_METRICS {
    () => {
        ms!("nat-gateway/monitor-nat-gateway-reference")
    };
}
macro_rules! NSG_OVERVIEW {
    () => {
        ms!("virtual-network/network-security-groups-overview")
    };
}
macro_rules! UDR_OVERVIEW {
    () => {
        ms!("virtual-network/virtual-networks-udr-overview")
    };
}
macro_rules! VNET_RESERVED_IPS {
    () => {
        ms!("virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets")
    };
}
macro_rules! PRIVATE_DNS {
    () => {
        ms!("dns/private-dns-overview")
    };
}
macro_rules! PRIVATE_ENDPOINT_DNS {
    () => {
        ms!("private-link/private-endpoint-dns")
    };
}
macro_rules! DNS_RESOLVER_RULESETS {
    () => {
        ms!("dns/private-resolver-endpoints-rulesets")
    };
}
macro_rules! AZURE_SUPPORT {
    () => {
        ms!("azure-portal/supportability/how-to-create-azure-support-request")
    };
}
macro_rules! K8S_VIRTUAL_IPS {
    () => {
        "https://kubernetes.io/docs/reference/networking/virtual-ips/"
    };
}
macro_rules! K8S_DNS {
    () => {
        "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/"
    };
}
macro_rules! K8S_DNS_DEBUG {
    () => {
        "https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/"
    };
}
macro_rules! K8S_DEPLOYMENT {
    () => {
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#updating-a-deployment"
    };
}
macro_rules! EXTERNAL_DNS_AZURE_PRIVATE {
    () => {
        "https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/azure-private-dns.md"
    };
}
macro_rules! RESOLV_CONF {
    () => {
        "https://man7.org/linux/man-pages/man5/resolv.conf.5.html"
    };
}
macro_rules! CURL_WRITE_OUT {
    () => {
        "https://curl.se/docs/manpage.html#-w"
    };
}
macro_rules! RFC_SUBMISSION {
    () => {
        "https://www.rfc-editor.org/rfc/rfc6409"
    };
}
macro_rules! VK_SEARCH_ISSUE {
    () => {
        "https://github.com/virtual-kubelet/virtual-kubelet/issues/641"
    };
}
macro_rules! ACI_DNSCONFIG_ISSUE {
    () => {
        "https://github.com/virtual-kubelet/azure-aci/issues/46"
    };
}
macro_rules! ACI_CLUSTER_DNS_ISSUE {
    () => {
        "https://github.com/virtual-kubelet/azure-aci/issues/549"
    };
}

// ---- commands and manifests used in several places

/// curl timing each phase of a call to `<host>`; `$opts` adds options.
macro_rules! timed_curl {
    ($opts:literal) => {
        concat!("curl -sS -o /dev/null", $opts, " --max-time 30 -w 'dns=%{time_namelookup}s connect=%{time_connect}s tls=%{time_appconnect}s total=%{time_total}s http=%{http_code}\\n' https://<host>/")
    };
}
macro_rules! TIMED_CALL {
    () => {
        concat!(
            "kubectl exec <pod> --namespace <namespace> -- ",
            timed_curl!("")
        )
    };
}
macro_rules! TIMED_CALL_MEANING {
    () => {
        "Times are cumulative: a large `dns=` means a slow lookup, a jump to `connect=` (or a timeout) a slow connection, a large `total=` or error code after quick `tls=` the destination."
    };
}
macro_rules! TEST_POD {
    () => {
        r#"apiVersion: v1
kind: Pod
metadata:
  name: nettest
  # Put the affected pods' microsoft.containerinstance.virtualnode.* annotations in
  # metadata.annotations (Confidential pods: injectkubeproxy: "false", not ccepolicy).
spec:
  nodeSelector:
    virtualization: virtualnode2
  tolerations:
  - key: virtual-kubelet.io/provider
    operator: Exists
    effect: NoSchedule
  containers:
  - name: nettest
    image: mcr.microsoft.com/azure-cli
    command: ["/bin/bash", "-c", "sleep 3600"]
    resources:
      requests:
        cpu: 100m
        memory: 128Mi"#
    };
}
macro_rules! TEST_POD_CALL {
    () => {
        concat!("kubectl apply -f nettest.yaml\nkubectl wait --for=condition=Ready pod/nettest --timeout=300s\nkubectl exec nettest -- ", timed_curl!(""))
    };
}
macro_rules! LOOKUP_TIME {
    () => {
        "kubectl exec <pod> --namespace <namespace> -- curl -sS -o /dev/null -w 'dns=%{time_namelookup}s\\n' https://mcr.microsoft.com/"
    };
}
macro_rules! RESOLV {
    () => {
        "kubectl exec <pod> --namespace <namespace> -- cat /etc/resolv.conf"
    };
}
macro_rules! RESOLV_AND_DNS_IP {
    () => {
        "kubectl exec <pod> --namespace <namespace> -- cat /etc/resolv.conf\nkubectl get service kube-dns --namespace kube-system --output jsonpath='{.spec.clusterIP}'"
    };
}
macro_rules! ANNOTATIONS {
    () => {
        "kubectl get pod <pod> --namespace <namespace> --output yaml | grep 'microsoft.containerinstance.virtualnode'"
    };
}
macro_rules! INJECTDNS {
    () => {
        "kubectl get pod <pod> --namespace <namespace> --output jsonpath='{.metadata.annotations.microsoft\\.containerinstance\\.virtualnode\\.injectdns}'"
    };
}
macro_rules! HELM_KUBEPROXY {
    () => {
        "helm get values <release> --namespace <vn-namespace> --all | grep -A3 '^kubeProxy'"
    };
}
macro_rules! SUBNET_NAT {
    () => {
        "az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query natGateway.id --output tsv"
    };
}
macro_rules! NSG_RULES {
    () => {
        "az network nsg rule list --resource-group <nsg-rg> --nsg-name <nsg> --include-default --query \"[?direction=='Outbound'] | sort_by(@, &priority)\" --output table"
    };
}
macro_rules! SNAT_FAILED {
    () => {
        "NATGW=$(az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query natGateway.id --output tsv)\naz monitor metrics list --resource \"$NATGW\" --metric SNATConnectionCount --filter \"ConnectionState eq 'Failed'\" --aggregation Total --interval PT1M --output table"
    };
}
macro_rules! RECREATE {
    () => {
        "# Pods of a Deployment: replace them all\nkubectl rollout restart deployment/<name> --namespace <namespace>\n# A standalone pod: delete it and create it again\nkubectl delete pod <pod> --namespace <namespace>\nkubectl apply -f <pod>.yaml"
    };
}
macro_rules! EGRESS_IP {
    () => {
        "kubectl exec <pod> --namespace <namespace> -- curl -s http://checkip.dyndns.org"
    };
}
macro_rules! POD_NO_DNS {
    () => {
        r#"apiVersion: v1
kind: Pod
metadata:
  name: <pod>
  annotations:
    microsoft.containerinstance.virtualnode.injectdns: "false"
spec:
  nodeSelector:
    virtualization: virtualnode2
  tolerations:
  - key: virtual-kubelet.io/provider
    operator: Exists
    effect: NoSchedule
  containers:
  - name: app
    image: <image>"#
    };
}
macro_rules! DEPLOYMENT_NO_DNS {
    () => {
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: <name>
spec:
  replicas: 1
  selector:
    matchLabels:
      app: <name>
  template:
    metadata:
      labels:
        app: <name>
      annotations:
        microsoft.containerinstance.virtualnode.injectdns: "false"
    spec:
      nodeSelector:
        virtualization: virtualnode2
      tolerations:
      - key: virtual-kubelet.io/provider
        operator: Exists
        effect: NoSchedule
      containers:
      - name: app
        image: <image>"#
    };
}
macro_rules! ILB_SERVICE {
    () => {
        r#"apiVersion: v1
kind: Service
metadata:
  name: <service>
  namespace: <service-namespace>
  annotations:
    service.beta.kubernetes.io/azure-load-balancer-internal: "true"
    external-dns.alpha.kubernetes.io/hostname: <service>.<private-zone>
spec:
  type: LoadBalancer
  selector:
    app: <target-app>
  ports:
  - port: 80
    targetPort: 8080"#
    };
}

// ---- shorthands
//
// The graph is written below as nodes, but compiled into one string (`PACKED`) that is split
// into the [`Graph`] once, at first use: separate `&str`s would each be a pointer and a length in
// the WASM data, which gzip hardly compresses. Nodes end with U+001C, a node's fields with
// U+001D, list items with U+001E, an item's parts are separated by U+001F.

/// A question: `question! { id, title, intro, checks: [..], answers: [..], sources: [..] }`.
macro_rules! question {
    {
        id: $id:expr, title: $title:expr, intro: $intro:expr,
        checks: [$($check:expr),* $(,)?],
        answers: [$($answer:expr),* $(,)?],
        sources: [$($source:expr),* $(,)?] $(,)?
    } => {
        concat!(
            "Q\u{1d}", $id, "\u{1d}", $title, "\u{1d}", $intro, "\u{1d}",
            $($check,)* "\u{1d}", $($answer,)* "\u{1d}", $($source, "\u{1e}",)* "\u{1c}"
        )
    };
}

/// A result: `outcome! { id, title, observation, cause, fix: [..], verify: [..], caveats: [..],
/// sources: [..] }`.
macro_rules! outcome {
    {
        id: $id:expr, title: $title:expr, observation: $observation:expr, cause: $cause:expr,
        fix: [$($fix:expr),* $(,)?],
        verify: [$($verify:expr),* $(,)?],
        caveats: [$($caveat:expr),* $(,)?],
        sources: [$($source:expr),* $(,)?] $(,)?
    } => {
        concat!(
            "O\u{1d}", $id, "\u{1d}", $title, "\u{1d}", $observation, "\u{1d}", $cause, "\u{1d}",
            $($fix,)* "\u{1d}", $($verify,)* "\u{1d}", $($caveat, "\u{1e}",)* "\u{1d}",
            $($source, "\u{1e}",)* "\u{1c}"
        )
    };
}

/// A check with a command to copy: what to do, the command, how to read its output.
macro_rules! check {
    ($text:expr, $command:expr, $meaning:expr) => {
        concat!($text, "\u{1f}", $meaning, "\u{1f}", $command, "\u{1e}")
    };
}

/// A check without a command.
macro_rules! note {
    ($text:expr, $meaning:expr) => {
        concat!($text, "\u{1f}", $meaning, "\u{1e}")
    };
}

/// An answer and the id of the node it leads to.
macro_rules! answer {
    ($id:expr, $label:expr, $next:expr) => {
        concat!($id, "\u{1f}", $label, "\u{1f}", $next, "\u{1e}")
    };
}

/// The "I don't know" answer (see [`Answer::unsure`]).
macro_rules! unsure {
    ($id:expr, $label:expr, $next:expr) => {
        concat!($id, "\u{1f}", $label, "\u{1f}", $next, "\u{1f}?\u{1e}")
    };
}

/// A fix or verification step with a command or manifest to copy.
macro_rules! step {
    ($text:expr, $run:expr) => {
        concat!($text, "\u{1f}", $run, "\u{1e}")
    };
}

/// A fix or verification step in words only.
macro_rules! advice {
    ($text:expr) => {
        concat!($text, "\u{1e}")
    };
}

// ---- the graph

/// The network troubleshooting wizard: slow or failing outbound calls from pods on virtual nodes.
pub static NETWORK: LazyLock<Graph> = LazyLock::new(|| Graph {
    start: "symptom",
    nodes: leak(PACKED.split_terminator('\u{1c}').map(node).collect()),
});

fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

/// The items of a list field, each split into its parts.
fn items(field: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    field
        .split_terminator('\u{1e}')
        .map(|i| i.split('\u{1f}').collect())
}

fn steps(field: &'static str) -> &'static [Step] {
    leak(
        items(field)
            .map(|p| Step {
                text: p[0],
                run: p.get(1).copied(),
            })
            .collect(),
    )
}

fn texts(field: &'static str) -> &'static [&'static str] {
    leak(field.split_terminator('\u{1e}').collect())
}

fn node(packed: &'static str) -> Node {
    let f: Vec<&'static str> = packed.split('\u{1d}').collect();
    let field = |i: usize| f.get(i).copied().unwrap_or_default();
    if field(0) == "Q" {
        Node::Question(Question {
            id: field(1),
            title: field(2),
            intro: field(3),
            checks: leak(
                items(field(4))
                    .map(|p| Check {
                        text: p[0],
                        meaning: p.get(1).copied().unwrap_or_default(),
                        command: p.get(2).copied(),
                    })
                    .collect(),
            ),
            answers: leak(
                items(field(5))
                    .map(|p| Answer {
                        id: p[0],
                        label: p.get(1).copied().unwrap_or_default(),
                        next: p.get(2).copied().unwrap_or_default(),
                        unsure: p.len() > 3,
                    })
                    .collect(),
            ),
            sources: texts(field(6)),
        })
    } else {
        Node::Outcome(Outcome {
            id: field(1),
            title: field(2),
            observation: field(3),
            cause: field(4),
            fix: steps(field(5)),
            verify: steps(field(6)),
            caveats: texts(field(7)),
            sources: texts(field(8)),
        })
    }
}

const PACKED: &str = concat!(
    // ---- symptom
    question! {
        id: "symptom",
        title: "What goes wrong for the pods on the virtual node?",
        intro: "The closest match decides which checks come first.",
        checks: [
            check!("Time a failing call from an affected pod.", TIMED_CALL!(), TIMED_CALL_MEANING!()),
            check!("See whether the pods start.", "kubectl get pods --namespace <namespace> --output wide", "Pods stuck in `Pending` or `ContainerCreating` have a start-up problem."),
        ],
        answers: [
            answer!("outbound-slow", "Calls outside the cluster are slow or time out", "generation"),
            answer!("outbound-fail", "Calls outside the cluster fail (refused, reset, TLS or HTTP error)", "generation"),
            answer!("lookups-slow", "Name lookups are slow or time out (`nslookup`, or a large `dns=`)", "proxy"),
            answer!("cluster-only", "Only cluster services fail (service names, `*.svc.cluster.local`, cluster IPs)", "cluster-proxy"),
            answer!("not-starting", "New pods don't start (`Pending` or `ContainerCreating`)", "subnet"),
            unsure!("unsure", "I don't know yet", "symptom-check"),
        ],
        sources: [VN_TROUBLESHOOTING!(), CURL_WRITE_OUT!()],
    },
    question! {
        id: "symptom-check",
        title: "Run a test call from the virtual node: what happens?",
        intro: "If the image lacks a shell or curl, use this test pod with the affected pods' annotations.",
        checks: [
            check!("Save as `nettest.yaml` (on v1, copy node selector and toleration from an affected pod).", TEST_POD!(), "Its image has bash and curl."),
            check!("Start it; time an outside call, then `https://<service>.<service-namespace>.svc.cluster.local/`.", TEST_POD_CALL!(), TIMED_CALL_MEANING!()),
        ],
        answers: [
            answer!("outside-bad", "Outside calls are slow or fail", "generation"),
            answer!("cluster-bad", "Outside calls work; cluster services fail", "cluster-proxy"),
            answer!("all-fine", "All works now: it comes and goes", "pattern"),
            unsure!("unsure", "I can't run commands in any pod", "generation"),
        ],
        sources: [VN_POD_ANNOTATIONS!()],
    },
    // ---- generation
    question! {
        id: "generation",
        title: "Which virtual nodes run the pods?",
        intro: "Virtual nodes v2 support peering, NSG-controlled egress and Confidential pods; the v1 add-on doesn't.",
        checks: [
            check!("List the nodes with their `virtualization` label.", "kubectl get nodes --label-columns virtualization", "`virtualnode2` is v2 (a Helm install names it `<release>-0`); `virtual-node-aci-linux` is v1."),
            check!("Find an affected pod's node.", "kubectl get pod <pod> --namespace <namespace> --output wide", "See the NODE column."),
        ],
        answers: [
            answer!("v2", "Virtual nodes v2 (`virtualnode2`)", "nat"),
            answer!("v1", "The v1 add-on (`virtual-node-aci-linux`)", "v1-network"),
            unsure!("unsure", "I don't know", "generation-check"),
        ],
        sources: [VN_README_LIMITS!(), AKS_VN2!()],
    },
    question! {
        id: "generation-check",
        title: "What do the node list and the Helm releases show?",
        intro: "Run these against the cluster.",
        checks: [
            check!("List the nodes and Helm releases.", "kubectl get nodes --label-columns virtualization\nhelm list --all-namespaces", "A `virtualnode2` node or `virtualnode` release means v2; `virtual-node-aci-linux` means v1."),
        ],
        answers: [
            answer!("virtualnode2", "A `virtualnode2` node or `virtualnode` release", "nat"),
            answer!("aci-linux", "A `virtual-node-aci-linux` node", "v1-network"),
            unsure!("unsure", "Neither, or I can't run kubectl", "nat"),
        ],
        sources: [VN_README_HELM!()],
    },
    question! {
        id: "v1-network",
        title: "Does the traffic rely on something the v1 add-on doesn't support?",
        intro: "The v1 add-on doesn't support VNet peering, network policies or NSG-controlled egress.",
        checks: [
            check!("Look for an NSG on the add-on's subnet (its `--subnet-name`).", "az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name <aci-subnet> --query networkSecurityGroup.id --output tsv", "An ID means one is attached."),
            check!("List the peerings and network policies.", "az network vnet peering list --resource-group <vnet-rg> --vnet-name <vnet> --output table\nkubectl get networkpolicy --all-namespaces", "They matter if the call needs the peering or a policy targets these pods."),
        ],
        answers: [
            answer!("yes", "Yes: peering, an egress NSG or network policies", "v1-limits"),
            answer!("no", "No", "nat"),
            unsure!("unsure", "I don't know", "v1-network-check"),
        ],
        sources: [AKS_VN1!()],
    },
    question! {
        id: "v1-network-check",
        title: "Does the failing traffic depend on what these queries find?",
        intro: "Run all three queries.",
        checks: [
            check!("Query the NSG, peerings and policies.", "az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name <aci-subnet> --query networkSecurityGroup.id --output tsv\naz network vnet peering list --resource-group <vnet-rg> --vnet-name <vnet> --output table\nkubectl get networkpolicy --all-namespaces", "Empty output: none of them is involved."),
        ],
        answers: [
            answer!("found", "Yes, it depends on one", "v1-limits"),
            answer!("none", "No", "nat"),
            unsure!("unsure", "I can't run these", "nat"),
        ],
        sources: [],
    },
    // ---- NAT gateway
    question! {
        id: "nat",
        title: "Does the ACI subnet (default name `cg`) have a NAT gateway?",
        intro: "The only supported internet path for virtual-node pods is a NAT gateway on their subnet.",
        checks: [
            check!("Find the subnet: Helm `aciSubnetName` (default `cg`), a pod's `microsoft.containerinstance.virtualnode.subnets.primary` annotation, or the v1 add-on's subnet.", "helm get values <release> --namespace <vn-namespace> --all | grep aciSubnetName", "Check each subnet of a comma-separated list."),
            check!("Ask the subnet for its NAT gateway.", SUBNET_NAT!(), "An ID ending in `/natGateways/<name>` means yes; empty means no."),
        ],
        answers: [
            answer!("no", "No NAT gateway", "no-nat-gateway"),
            answer!("yes", "Yes, with a public IP", "proxy"),
            unsure!("unsure", "I don't know", "nat-check"),
        ],
        sources: [VN_TROUBLESHOOTING!(), ACI_VNET!(), VN_NODE_SUBNETS!()],
    },
    question! {
        id: "nat-check",
        title: "What do the subnet and NAT gateway queries print?",
        intro: "Unsure of the subnet's name? List the VNet's ACI subnets.",
        checks: [
            check!("List the ACI subnets and their NAT gateways.", "az network vnet list --resource-group <vnet-rg> --query \"[].subnets[?delegations[?serviceName=='Microsoft.ContainerInstance/containerGroups']][].{subnet: id, natGateway: natGateway.id}\" --output table", "An empty `natGateway` means none."),
            check!("Show the NAT gateway's public IPs.", "az network nat gateway show --ids <nat-gateway-id> --query \"{publicIps: publicIpAddresses[].id, prefixes: publicIpPrefixes[].id}\"", "Without an IP or prefix it passes no traffic."),
        ],
        answers: [
            answer!("none", "No NAT gateway (empty or `null`)", "no-nat-gateway"),
            answer!("no-ip", "A NAT gateway without public IP or prefix", "no-nat-gateway"),
            answer!("attached", "A NAT gateway with a public IP", "proxy"),
            unsure!("unsure", "I can't run these queries", "proxy"),
        ],
        sources: [NAT_TROUBLESHOOT!()],
    },
    // ---- Confidential / kube-proxy and DNS injection
    question! {
        id: "proxy",
        title: "Are the affected pods Confidential, or running without kube-proxy?",
        intro: "Only kube-proxy makes the cluster DNS IP reachable; v2 adds it to each pod unless turned off, never to Confidential pods (on v1, answer No).",
        checks: [
            check!("Read the pod's virtual-node annotations.", ANNOTATIONS!(), "`ccepolicy` means Confidential; `injectkubeproxy: \"false\"` means no kube-proxy."),
            check!("Read the Helm setting.", HELM_KUBEPROXY!(), "`enabled: false` under `kubeProxy` turns it off for the whole node."),
        ],
        answers: [
            answer!("confidential", "Yes: Confidential (`ccepolicy`)", "dns-injected"),
            answer!("no-kube-proxy", "Yes: kube-proxy off (annotation or Helm)", "dns-injected"),
            answer!("kube-proxy-on", "No: ordinary pods with kube-proxy", "isolate"),
            unsure!("unsure", "I don't know", "proxy-check"),
        ],
        sources: [VN_TROUBLESHOOTING!(), VN_POD_KUBEPROXY!(), VN_NODE_KUBEPROXY!(), VN_POD_CONFIDENTIAL!()],
    },
    question! {
        id: "proxy-check",
        title: "What do the pod's annotations and the Helm values show?",
        intro: "The first match decides.",
        checks: [
            check!("Read the annotations.", ANNOTATIONS!(), "Look for `ccepolicy` or `injectkubeproxy: \"false\"`."),
            check!("Read the Helm values.", HELM_KUBEPROXY!(), "Look for `enabled: false` under `kubeProxy`."),
        ],
        answers: [
            answer!("ccepolicy", "A `ccepolicy` annotation", "dns-injected"),
            answer!("injectkubeproxy", "`injectkubeproxy: \"false\"`", "dns-injected"),
            answer!("helm-off", "`enabled: false` under Helm `kubeProxy`", "dns-injected"),
            answer!("none", "None of these", "isolate"),
            unsure!("unsure", "I can't read the pod or Helm values", "isolate"),
        ],
        sources: [],
    },
    question! {
        id: "dns-injected",
        title: "Is Kubernetes DNS injection still on for these pods?",
        intro: "Without kube-proxy the first nameserver, the cluster DNS IP, is silent and lookups time out; `microsoft.containerinstance.virtualnode.injectdns: \"false\"` fixes that.",
        checks: [
            check!("Look for the annotation.", INJECTDNS!(), "`false`: injection is off; empty: on (the default)."),
            check!("Compare `/etc/resolv.conf` with the cluster DNS IP.", RESOLV_AND_DNS_IP!(), "That IP as first `nameserver` means injection is on."),
            check!("Time a lookup.", LOOKUP_TIME!(), "Seconds of `dns=` (glibc waits 5 s per server) mean the first nameserver is silent."),
        ],
        answers: [
            answer!("on", "Yes: still on (cluster DNS IP first)", "disable-dns-injection"),
            answer!("off", "No: `injectdns` is already `\"false\"`", "isolate"),
            unsure!("unsure", "I don't know", "dns-injected-check"),
        ],
        sources: [VN_TROUBLESHOOTING!(), VN_POD_INJECTDNS!(), RESOLV_CONF!()],
    },
    question! {
        id: "dns-injected-check",
        title: "Which nameserver does the pod's `/etc/resolv.conf` list first?",
        intro: "If a Confidential pod's policy refuses `kubectl exec` (`--debug-mode` policies allow it), use the test pod with `injectkubeproxy: \"false\"`: same DNS set-up.",
        checks: [
            check!("Read the configuration and the cluster DNS IP.", RESOLV_AND_DNS_IP!(), "Compare the first `nameserver` with that IP."),
            check!("Or start the test pod with `injectkubeproxy: \"false\"`.", TEST_POD!(), "Then run `kubectl exec nettest -- cat /etc/resolv.conf`."),
        ],
        answers: [
            answer!("cluster-ip", "The cluster DNS IP (such as `10.0.0.10`)", "disable-dns-injection"),
            answer!("other", "Another (such as `168.63.129.16`)", "isolate"),
            unsure!("unsure", "I can't read it", "isolate"),
        ],
        sources: [VN_POD_DEBUG!()],
    },
    // ---- which phase of the call
    question! {
        id: "isolate",
        title: "Which part of the call is slow or failing?",
        intro: "Lookup, connection, TLS and response have different causes.",
        checks: [
            check!("Time a failing call.", TIMED_CALL!(), TIMED_CALL_MEANING!()),
            note!("Don't test with `ping`.", "A NAT gateway doesn't carry ICMP."),
        ],
        answers: [
            answer!("lookup", "The lookup (large `dns=`, or no address)", "resolver"),
            answer!("connect", "The connection (large `connect=`, timeout or reset)", "route"),
            answer!("response", "The response (slow, or 403, 429, 5xx)", "destination-rejects"),
            unsure!("unsure", "I don't know", "isolate-check"),
        ],
        sources: [CURL_WRITE_OUT!(), NAT_OVERVIEW!()],
    },
    question! {
        id: "isolate-check",
        title: "Time the call from a test pod: which value stands out?",
        intro: "For images without curl or a shell, or when `kubectl exec` is refused.",
        checks: [
            check!("Save the test pod as `nettest.yaml` with the affected pods' annotations.", TEST_POD!(), "Its image has bash and curl."),
            check!("Start it and time the failing call.", TEST_POD_CALL!(), TIMED_CALL_MEANING!()),
        ],
        answers: [
            answer!("lookup", "The name lookup", "resolver"),
            answer!("connect", "The connection", "route"),
            answer!("response", "The response", "destination-rejects"),
            unsure!("unsure", "I can't start pods or run commands in them", "route"),
        ],
        sources: [],
    },
    // ---- DNS servers
    question! {
        id: "resolver",
        title: "Which DNS servers does the pod ask?",
        intro: "Who answers decides the cause: the cluster DNS (CoreDNS), Azure DNS (`168.63.129.16`) or your own servers.",
        checks: [
            check!("Read `/etc/resolv.conf` and the cluster DNS IP.", RESOLV_AND_DNS_IP!(), "The `nameserver` lines are tried in order."),
            check!("See the VNet's DNS servers.", "az network vnet show --resource-group <vnet-rg> --name <vnet> --query dhcpOptions.dnsServers", "Empty means Azure DNS; container instances don't inherit custom servers."),
        ],
        answers: [
            answer!("cluster-no-proxy", "Cluster DNS IP first; pod Confidential or without kube-proxy", "disable-dns-injection"),
            answer!("cluster", "Cluster DNS IP first; pod has kube-proxy", "cluster-dns-slow"),
            answer!("custom", "Our own DNS servers", "custom-dns"),
            answer!("azure-private", "Azure DNS; the failing names exist only on our servers", "custom-dns"),
            answer!("azure-public", "Azure DNS; public names are slow too", "support"),
            unsure!("unsure", "I don't know", "resolver-check"),
        ],
        sources: [K8S_DNS!(), ACI_CUSTOM_DNS!()],
    },
    question! {
        id: "resolver-check",
        title: "What is the first `nameserver`, and which names fail?",
        intro: "Use the affected pod or the test pod.",
        checks: [
            check!("Read the configuration and the cluster DNS IP.", RESOLV_AND_DNS_IP!(), "Compare the first `nameserver` with that IP and `168.63.129.16`."),
        ],
        answers: [
            answer!("cluster-ip", "The cluster DNS IP", "cluster-dns-slow"),
            answer!("custom-ip", "One of our DNS servers", "custom-dns"),
            answer!("azure-private", "`168.63.129.16`; only private names fail", "custom-dns"),
            answer!("azure-public", "`168.63.129.16`; public names are slow too", "support"),
            unsure!("unsure", "I can't read it", "route"),
        ],
        sources: [],
    },
    // ---- routes, NSG
    question! {
        id: "route",
        title: "Does a route send the subnet's internet traffic to a firewall or gateway?",
        intro: "A `0.0.0.0/0` route to an appliance or VPN/ExpressRoute gateway overrides the NAT gateway.",
        checks: [
            check!("Ask the subnet for its route table.", "az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query routeTable.id --output tsv", "Empty: no route table, so No."),
            check!("List its routes.", "az network route-table show --ids <route-table-id> --query \"routes[].{prefix: addressPrefix, nextHop: nextHopType, ip: nextHopIpAddress}\" --output table", "Look for `0.0.0.0/0` to `VirtualAppliance` or `VirtualNetworkGateway`."),
        ],
        answers: [
            answer!("yes", "Yes: `0.0.0.0/0` to a firewall, appliance or gateway", "forced-tunnel"),
            answer!("no", "No route table, or no such route", "nsg"),
            unsure!("unsure", "I don't know", "route-check"),
        ],
        sources: [UDR_OVERVIEW!(), NAT_OVERVIEW!()],
    },
    question! {
        id: "route-check",
        title: "What does the route query print?",
        intro: "It follows the subnet's link, wherever the route table lives.",
        checks: [
            check!("Show the subnet's routes (bash).", "RT=$(az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query routeTable.id --output tsv)\n[ -n \"$RT\" ] && az network route-table show --ids \"$RT\" --query \"routes[].{prefix: addressPrefix, nextHop: nextHopType, ip: nextHopIpAddress}\" --output table", "No output: no route table."),
        ],
        answers: [
            answer!("appliance", "A `0.0.0.0/0` row to `VirtualAppliance` or `VirtualNetworkGateway`", "forced-tunnel"),
            answer!("none", "No output, or no such row", "nsg"),
            unsure!("unsure", "I can't run it", "nsg"),
        ],
        sources: [],
    },
    question! {
        id: "nsg",
        title: "Does a network security group block the outbound traffic?",
        intro: "On v2, NSG rules on the ACI subnet control egress; the lowest-numbered matching rule wins.",
        checks: [
            check!("Ask the subnet for its NSG.", "az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query networkSecurityGroup.id --output tsv", "Empty: no NSG, so No."),
            check!("List its outbound rules in evaluation order.", NSG_RULES!(), "The first rule matching the destination and port decides."),
        ],
        answers: [
            answer!("deny", "Yes: a deny rule matches first", "nsg-deny"),
            answer!("allow", "No NSG, or an allow rule matches first", "pattern"),
            unsure!("unsure", "I don't know", "nsg-check"),
        ],
        sources: [NSG_OVERVIEW!(), AKS_VN2!()],
    },
    question! {
        id: "nsg-check",
        title: "Which rule first matches the failing destination and port?",
        intro: "Multi-destination rules list them in `destinationAddressPrefixes` (`--output json`).",
        checks: [
            check!("List the subnet NSG's outbound rules in order (bash).", "NSG=$(az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query networkSecurityGroup.id --output tsv)\n[ -n \"$NSG\" ] && az network nsg show --ids \"$NSG\" --query \"[securityRules, defaultSecurityRules][] | [?direction=='Outbound'] | sort_by(@, &priority)[].{priority: priority, name: name, access: access, destination: destinationAddressPrefix, ports: destinationPortRange}\" --output table", "No output: no NSG."),
        ],
        answers: [
            answer!("deny-first", "A `Deny` rule", "nsg-deny"),
            answer!("allow-first", "No NSG, or an `Allow` rule", "pattern"),
            unsure!("unsure", "I can't run it or can't tell", "pattern"),
        ],
        sources: [],
    },
    // ---- failure pattern
    question! {
        id: "pattern",
        title: "When do the failures happen?",
        intro: "The timing points at SNAT ports, idle timeouts, a blocked port or the destination.",
        checks: [
            check!("Read failed SNAT connections (bash).", SNAT_FAILED!(), "Above zero when calls fail: SNAT exhaustion."),
            check!("Compare a failing and a working destination.", TIMED_CALL!(), "If only one fails, look at its side."),
        ],
        answers: [
            answer!("under-load", "Under load, with failed SNAT connections", "snat-exhaustion"),
            answer!("after-idle", "After idle periods: pooled connections break", "idle-timeout"),
            answer!("port-25", "Only SMTP on port 25", "port-25"),
            answer!("one-destination", "Only one destination; others work", "destination-rejects"),
            answer!("always", "Always, with no pattern", "support"),
            unsure!("unsure", "I don't know", "pattern-check"),
        ],
        sources: [NAT_TROUBLESHOOT!(), NAT_METRICS!()],
    },
    question! {
        id: "pattern-check",
        title: "What do the NAT gateway metrics show during the failures?",
        intro: "`--start-time` and `--end-time` take UTC, such as `2026-01-31T14:00:00Z`.",
        checks: [
            check!("Read failed and total SNAT connections per minute (bash).", "NATGW=$(az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query natGateway.id --output tsv)\naz monitor metrics list --resource \"$NATGW\" --metric SNATConnectionCount --filter \"ConnectionState eq 'Failed'\" --aggregation Total --interval PT1M --start-time <start> --end-time <end> --output table\naz monitor metrics list --resource \"$NATGW\" --metric TotalConnectionCount --aggregation Total --interval PT1M --start-time <start> --end-time <end> --output table", "Failures above zero: ports or the connection limit ran out."),
        ],
        answers: [
            answer!("failed-snat", "Failed SNAT connections above zero", "snat-exhaustion"),
            answer!("clean", "No failed connections", "support"),
            unsure!("unsure", "I can't read the metrics", "support"),
        ],
        sources: [],
    },
    // ---- calls to cluster services
    question! {
        id: "cluster-proxy",
        title: "Do the failing pods run without kube-proxy, or with DNS injection off?",
        intro: "Service names need the cluster DNS, cluster IPs need kube-proxy; pods without kube-proxy have neither, `injectdns: \"false\"` pods skip the DNS.",
        checks: [
            check!("Read the pod's annotations.", ANNOTATIONS!(), "Look for `ccepolicy`, `injectkubeproxy: \"false\"` and `injectdns: \"false\"`."),
            check!("Read the Helm kube-proxy setting.", HELM_KUBEPROXY!(), "`enabled: false` covers the whole virtual node."),
        ],
        answers: [
            answer!("no-kube-proxy", "Yes: Confidential, or kube-proxy off", "cluster-services"),
            answer!("dns-off", "Yes: `injectdns` is `\"false\"`", "cluster-services"),
            answer!("both-on", "No: both are on", "cluster-name"),
            unsure!("unsure", "I don't know", "cluster-proxy-check"),
        ],
        sources: [K8S_VIRTUAL_IPS!(), VN_POD_KUBEPROXY!(), VN_POD_INJECTDNS!()],
    },
    question! {
        id: "cluster-proxy-check",
        title: "What do the annotations and `/etc/resolv.conf` show?",
        intro: "A pod with both has none of these annotations and the cluster DNS IP first.",
        checks: [
            check!("Read the annotations.", ANNOTATIONS!(), "Look for `ccepolicy`, `injectkubeproxy: \"false\"` or `injectdns: \"false\"`."),
            check!("Read the resolver configuration.", RESOLV!(), "Compare the first `nameserver` with `kubectl get service kube-dns --namespace kube-system`."),
        ],
        answers: [
            answer!("found", "One is set (or Helm `kubeProxy` `enabled: false`)", "cluster-services"),
            answer!("none", "None; the cluster DNS IP is first", "cluster-name"),
            unsure!("unsure", "I can't read them", "cluster-name"),
        ],
        sources: [],
    },
    question! {
        id: "cluster-name",
        title: "Does the full service name work where the short name fails?",
        intro: "Short names need the `search` domains in `/etc/resolv.conf`; `<service>.<namespace>.svc.cluster.local` doesn't.",
        checks: [
            check!("Resolve both forms.", "kubectl exec <pod> --namespace <namespace> -- getent hosts <service>\nkubectl exec <pod> --namespace <namespace> -- getent hosts <service>.<service-namespace>.svc.cluster.local", "If only the full one resolves, the search domains are missing."),
            check!("Check for ready endpoints.", "kubectl get endpointslices --namespace <service-namespace> --selector kubernetes.io/service-name=<service>", "None means no ready pod behind the service."),
        ],
        answers: [
            answer!("full-works", "The full name works, the short one doesn't", "short-names"),
            answer!("both-fail", "Both fail", "support"),
            unsure!("unsure", "I don't know", "cluster-name-check"),
        ],
        sources: [K8S_DNS!()],
    },
    question! {
        id: "cluster-name-check",
        title: "Does `/etc/resolv.conf` have a `search` line with the cluster domains?",
        intro: "Expect `search <namespace>.svc.cluster.local svc.cluster.local cluster.local`.",
        checks: [check!("Read the resolver configuration.", RESOLV!(), "Look for the `search` line.")],
        answers: [
            answer!("no-search", "No `search` line with `svc.cluster.local`", "short-names"),
            answer!("has-search", "The cluster domains are there", "support"),
            unsure!("unsure", "I can't read it", "support"),
        ],
        sources: [],
    },
    // ---- pods that don't start
    question! {
        id: "subnet",
        title: "Is the ACI subnet delegated, with free addresses?",
        intro: "Each pod takes an address in the ACI subnet, which must be delegated to `Microsoft.ContainerInstance/containerGroups` and hold nothing else.",
        checks: [
            check!("Show the subnet's prefix and delegation.", "az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query \"{prefix: addressPrefix, delegations: delegations[].serviceName}\"", "Expect `Microsoft.ContainerInstance/containerGroups`; Azure keeps 5 addresses per subnet."),
            check!("Count the virtual node's pods.", "kubectl get pods --all-namespaces --field-selector spec.nodeName=<virtual-node> --no-headers | wc -l", "Compare with the usable addresses."),
            check!("Read why a pod doesn't start.", "kubectl describe pod <pod> --namespace <namespace>", "See the events; a `policyDecision< … >policyDecision` is a Confidential policy denial for the decoder."),
        ],
        answers: [
            answer!("not-delegated", "Not delegated to `Microsoft.ContainerInstance/containerGroups`", "subnet-delegation"),
            answer!("full", "Delegated, but nearly full", "subnet-full"),
            answer!("fine", "Delegated, with room to spare", "support"),
            unsure!("unsure", "I don't know", "subnet-check"),
        ],
        sources: [ACI_VNET!(), VNET_RESERVED_IPS!()],
    },
    question! {
        id: "subnet-check",
        title: "What do the subnet query and the pod count show?",
        intro: "Usable addresses: 2 to the power (32 minus prefix length), minus 5.",
        checks: [
            check!("Query the subnet and count the pods.", "az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query \"{prefix: addressPrefix, delegations: delegations[].serviceName}\"\nkubectl get pods --all-namespaces --field-selector spec.nodeName=<virtual-node> --no-headers | wc -l", "Check the delegation; compare the count with the usable addresses."),
        ],
        answers: [
            answer!("no-delegation", "`delegations` empty or another service", "subnet-delegation"),
            answer!("near-full", "Pod count near the usable addresses", "subnet-full"),
            answer!("plenty", "Delegated, with room", "support"),
            unsure!("unsure", "I can't run these", "support"),
        ],
        sources: [],
    },
    // ==== outcomes
    outcome! {
        id: "no-nat-gateway",
        title: "No NAT gateway on the ACI subnet",
        observation: "The virtual-node subnet (default `cg`) has no NAT gateway, or one without a public IP.",
        cause: "Container groups in a VNet reach the internet only through a NAT gateway on their subnet. Without it, or without its IP, outbound calls stall or fail.",
        fix: [
            step!("Create a Standard static public IP.", "az network public-ip create --resource-group <rg> --name aci-nat-ip --sku standard --allocation static"),
            step!("Create the NAT gateway with it (an existing one gets an IP via `az network nat gateway update --public-ip-addresses`).", "az network nat gateway create --resource-group <rg> --name aci-nat --public-ip-addresses aci-nat-ip --idle-timeout 10"),
            step!("Attach it to the ACI subnet (by ID if in another resource group).", "az network vnet subnet update --resource-group <vnet-rg> --vnet-name <vnet> --name cg --nat-gateway aci-nat"),
            step!("Re-create the affected pods.", RECREATE!()),
        ],
        verify: [
            step!("The subnet refers to the NAT gateway.", SUBNET_NAT!()),
            step!("A re-created pod's egress IP matches the NAT gateway's.", "az network public-ip show --resource-group <rg> --name aci-nat-ip --query ipAddress --output tsv\nkubectl exec <pod> --namespace <namespace> -- curl -s http://checkip.dyndns.org"),
            step!("Time the slow call again.", TIMED_CALL!()),
        ],
        caveats: [
            "Calls now leave from the NAT gateway's IP: update source allow-lists.",
            "Don't test with `ping`: a NAT gateway doesn't carry ICMP.",
            "A `0.0.0.0/0` route to a firewall or gateway overrides the NAT gateway.",
        ],
        sources: [VN_TROUBLESHOOTING!(), VN_README_VNET!(), ACI_NAT!(), NAT_OVERVIEW!()],
    },
    outcome! {
        id: "disable-dns-injection",
        title: "Kubernetes DNS is injected into a pod that can't reach it",
        observation: "The pod is Confidential or lacks kube-proxy, and `/etc/resolv.conf` lists the cluster DNS IP (such as `10.0.0.10`) first. Lookups take seconds or fail; calls by IP work.",
        cause: "Only kube-proxy makes the cluster DNS service IP reachable. Without it (`injectkubeproxy: \"false\"`, Helm `kubeProxy.enabled: false`, any Confidential pod) each lookup waits for that silent address to time out before the next nameserver, or fails.",
        fix: [
            step!("Turn DNS injection off so the pod uses ACI's default DNS; in a Pod, annotate its own `metadata`.", POD_NO_DNS!()),
            step!("In a Deployment (or StatefulSet, Job), annotate the pod template: `spec.template.metadata.annotations`.", DEPLOYMENT_NO_DNS!()),
            step!("For a Confidential pod, add the annotation first, then generate the policy from that YAML.", "az confcom acipolicygen --virtual-node-yaml <file>.yaml"),
            step!("Apply; Deployments roll out new pods, standalone pods need re-creating.", "kubectl apply -f <file>.yaml\n# standalone pod only:\nkubectl delete pod <pod> --namespace <namespace> && kubectl apply -f <file>.yaml"),
        ],
        verify: [
            step!("The pod has the annotation (prints `false`).", INJECTDNS!()),
            step!("The cluster DNS IP is no longer first.", RESOLV!()),
            step!("Lookups are fast (`dns=` well under a second).", LOOKUP_TIME!()),
        ],
        caveats: [
            "Cluster names (`<service>.<namespace>.svc.cluster.local`, short names, headless pods) stop resolving; cluster IPs were unreachable anyway.",
            "Reach cluster workloads through an internal load balancer Service (`service.beta.kubernetes.io/azure-load-balancer-internal: \"true\"`) named by external-dns in a VNet-linked Azure Private DNS zone.",
            "Azure services behind private endpoints still resolve if their `privatelink` zone is linked to the VNet.",
            "Container instances ignore the VNet's custom DNS servers: their private names need a linked Private DNS zone or a DNS Private Resolver ruleset.",
        ],
        sources: [VN_TROUBLESHOOTING!(), VN_POD_INJECTDNS!(), VN_HIGH_SCALE!(), K8S_DEPLOYMENT!(), AKS_ILB!(), PRIVATE_ENDPOINT_DNS!(), DNS_RESOLVER_RULESETS!()],
    },
    outcome! {
        id: "cluster-services",
        title: "Cluster services are out of reach without kube-proxy",
        observation: "Only cluster services fail, and the pod is Confidential, lacks kube-proxy or has DNS injection off.",
        cause: "Cluster IPs, the DNS one included, exist only in kube-proxy's rules, so a pod without it can neither resolve nor reach cluster services. With injection off it asks ACI DNS, which knows no cluster names.",
        fix: [
            step!("A non-confidential pod can keep kube-proxy: remove `injectkubeproxy: \"false\"` and `injectdns: \"false\"`; Helm `kubeProxy.enabled` overrides pods.", HELM_KUBEPROXY!()),
            step!("Otherwise (always for Confidential pods), expose the target via an internal load balancer named by external-dns in a VNet-linked Private DNS zone.", ILB_SERVICE!()),
            advice!("Call the target by that name; keep `injectdns: \"false\"` on kube-proxy-less pods."),
        ],
        verify: [
            step!("The Service's EXTERNAL-IP is a private VNet address.", "kubectl get service <service> --namespace <service-namespace>"),
            step!("The pod resolves the name and gets an answer.", "kubectl exec <pod> --namespace <namespace> -- getent hosts <service>.<private-zone>\nkubectl exec <pod> --namespace <namespace> -- curl -sS -o /dev/null -w 'http=%{http_code} total=%{time_total}s\\n' http://<service>.<private-zone>/"),
        ],
        caveats: [
            "The Helm value covers all the node's pods and needs a Helm upgrade.",
            "external-dns needs write access to the zone.",
        ],
        sources: [VN_HIGH_SCALE!(), VN_NODE_KUBEPROXY!(), K8S_VIRTUAL_IPS!(), AKS_ILB!(), EXTERNAL_DNS_AZURE_PRIVATE!()],
    },
    outcome! {
        id: "short-names",
        title: "Short service names aren't expanded to cluster names",
        observation: "The full `<service>.<namespace>.svc.cluster.local` resolves, the short name doesn't: the cluster `search` domains are missing.",
        cause: "Kubernetes expands short names via the `search` list in each pod's `/etc/resolv.conf`; v1 add-on (virtual-kubelet ACI) pods were reported to lack it.",
        fix: [
            advice!("Use full service names in the app's configuration."),
            step!("Or set `dnsConfig` searches and check they arrive (reported unreliable on v1).", "spec:\n  dnsConfig:\n    searches:\n    - <namespace>.svc.cluster.local\n    - svc.cluster.local\n    - cluster.local"),
            advice!("For a lasting fix, move to virtual nodes v2."),
        ],
        verify: [
            step!("The app's name resolves from the pod.", "kubectl exec <pod> --namespace <namespace> -- getent hosts <name-the-app-uses>"),
            step!("With `dnsConfig`, the `search` line is there.", RESOLV!()),
        ],
        caveats: ["Pods without kube-proxy can't use cluster names at all."],
        sources: [K8S_DNS!(), VK_SEARCH_ISSUE!(), ACI_DNSCONFIG_ISSUE!()],
    },
    outcome! {
        id: "v1-limits",
        title: "The v1 add-on doesn't support this network design",
        observation: "On the v1 add-on, the failing traffic needs VNet peering, NSG-controlled egress or network policies.",
        cause: "Microsoft lists all three as unsupported on the v1 add-on.",
        fix: [
            step!("Move to virtual nodes v2: prepare the cluster per its README, then install the chart.", "git clone https://github.com/microsoft/virtualnodesOnAzureContainerInstances\nhelm install <release> ./virtualnodesOnAzureContainerInstances/Helm/virtualnode"),
            advice!("Meanwhile, use regular node pools."),
            advice!("v2 doesn't enforce network policies either: use NSG rules on the ACI subnet."),
        ],
        verify: [
            step!("A v2 node is ready and runs the pods.", "kubectl get nodes --label-columns virtualization\nkubectl get pod <pod> --namespace <namespace> --output wide"),
            step!("Time the failing call again.", TIMED_CALL!()),
        ],
        caveats: ["v2 needs its own subnet set-up, including a NAT gateway."],
        sources: [AKS_VN1!(), VN_README_LIMITS!(), VN_README_HELM!()],
    },
    outcome! {
        id: "forced-tunnel",
        title: "A route sends internet traffic past the NAT gateway",
        observation: "The ACI subnet's route table sends `0.0.0.0/0` to an appliance (such as Azure Firewall) or a VPN/ExpressRoute gateway.",
        cause: "That route overrides the NAT gateway, so calls depend on the device: if it blocks, is overloaded or has no return path, they fail.",
        fix: [
            step!("To keep inspection, allow the needed destinations, the AKS API server included, on the firewall.", "az aks show --resource-group <aks-rg> --name <cluster> --query fqdn --output tsv"),
            step!("Or remove the route, if nothing else needs it, to use the NAT gateway.", "az network route-table route delete --resource-group <rt-rg> --route-table-name <route-table> --name <route>"),
        ],
        verify: [
            step!("The routes are as intended.", "az network route-table route list --resource-group <rt-rg> --route-table-name <route-table> --output table"),
            step!("The egress IP is the expected one (NAT gateway or firewall).", EGRESS_IP!()),
            step!("Time the failing call again.", TIMED_CALL!()),
        ],
        caveats: ["Routes affect the whole subnet: agree changes with its owner."],
        sources: [UDR_OVERVIEW!(), NAT_OVERVIEW!(), AKS_VN1!()],
    },
    outcome! {
        id: "nsg-deny",
        title: "A network security group blocks the outbound traffic",
        observation: "An outbound `Deny` rule on the ACI subnet's NSG matches the failing destination or port before any allow rule.",
        cause: "The lowest-numbered matching rule decides, so this traffic is dropped.",
        fix: [
            step!("Add an allow rule numbered below the deny, limited to the needed destination and port (service tags like `Storage` work).", "az network nsg rule create --resource-group <nsg-rg> --nsg-name <nsg> --name allow-<destination> --priority <number-below-the-deny> --direction Outbound --access Allow --protocol Tcp --source-address-prefixes <aci-subnet-prefix> --destination-address-prefixes <destination> --destination-port-ranges 443"),
            advice!("Or narrow the deny rule."),
        ],
        verify: [
            step!("The allow rule now comes first.", NSG_RULES!()),
            step!("Time the failing call again.", TIMED_CALL!()),
        ],
        caveats: [
            "The v1 add-on doesn't support NSG-controlled egress at all.",
            "With your own DNS servers, allow port 53 (UDP and TCP) to them too.",
        ],
        sources: [NSG_OVERVIEW!(), AKS_VN2!(), AKS_VN1!()],
    },
    outcome! {
        id: "snat-exhaustion",
        title: "The NAT gateway runs out of SNAT ports or connections",
        observation: "Calls fail under load and the NAT gateway reports failed SNAT connections.",
        cause: "Each connection holds a port on a NAT gateway IP (64,512 per IP; at most 50,000 concurrent to one destination). A connection per request, or many idle ones, exhaust them.",
        fix: [
            advice!("Reuse connections (shared HTTP client, keep-alive, pools): the lasting fix."),
            step!("Add public IPs (up to 16) for more ports.", "az network public-ip create --resource-group <rg> --name aci-nat-ip-2 --sku standard --allocation static\naz network nat gateway update --resource-group <rg> --name <nat-gateway> --public-ip-addresses aci-nat-ip aci-nat-ip-2"),
            advice!("Reach Azure PaaS through Private Link, which uses no SNAT ports."),
            step!("Keep the idle timeout at 4 minutes (default and minimum).", "az network nat gateway update --resource-group <rg> --name <nat-gateway> --idle-timeout 4"),
        ],
        verify: [step!("Failed SNAT connections stay at zero under the same load (bash).", SNAT_FAILED!())],
        caveats: [
            "Each new IP is a source address: add it to allow-lists.",
            "More IPs only delay exhaustion if connections aren't reused.",
        ],
        sources: [NAT_TROUBLESHOOT!(), NAT_METRICS!()],
    },
    outcome! {
        id: "idle-timeout",
        title: "Idle connections are dropped at the NAT gateway's idle timeout",
        observation: "Long-lived connections (pools, brokers, keep-alive) fail, often with a reset, on first use after minutes idle; new ones work.",
        cause: "A NAT gateway forgets TCP flows idle past its timeout (default 4, up to 120 minutes) and resets later packets; UDP flows expire after 4 minutes.",
        fix: [
            advice!("Send keepalives more often than the timeout (TCP: one side suffices; UDP: both)."),
            step!("Last resort: raise the idle timeout (minutes).", "az network nat gateway update --resource-group <rg> --name <nat-gateway> --idle-timeout 10"),
        ],
        verify: [
            step!("Check the timeout in force.", "az network nat gateway show --resource-group <rg> --name <nat-gateway> --query idleTimeoutInMinutes"),
            advice!("Stay idle past the timeout, then call: the first call works."),
        ],
        caveats: ["A longer timeout holds ports longer and risks SNAT exhaustion."],
        sources: [NAT_RESOURCE!(), NAT_TROUBLESHOOT!()],
    },
    outcome! {
        id: "port-25",
        title: "Port 25 is blocked for container groups in a VNet",
        observation: "Only connections to port 25 (SMTP) fail; other ports work.",
        cause: "Container groups in a VNet can't connect out to port 25 (or 19390): a platform limit.",
        fix: [advice!("Send mail via submission port 587 (or 465) or an HTTPS mail API.")],
        verify: [step!("Port 587 connects (curl prints `Connected to`; stop with Ctrl+C).", "kubectl exec -it <pod> --namespace <namespace> -- curl -v --max-time 10 telnet://<smtp-host>:587")],
        caveats: [],
        sources: [ACI_VNET!(), RFC_SUBMISSION!()],
    },
    outcome! {
        id: "destination-rejects",
        title: "The destination rejects or throttles the calls",
        observation: "Lookup and connection are quick, but this destination alone answers slowly or with errors (403, 429, resets).",
        cause: "The destination filters by source IP or limits rates; pods call from the NAT gateway's IP, which its allow-list may lack (for example after a NAT change).",
        fix: [
            step!("List the NAT gateway's public IPs and get them allow-listed (bash).", "for id in $(az network nat gateway show --resource-group <rg> --name <nat-gateway> --query \"publicIpAddresses[].id\" --output tsv); do\n  az network public-ip show --ids \"$id\" --query ipAddress --output tsv\ndone"),
            advice!("If errors grow with the rate, slow down or ask about limits."),
        ],
        verify: [step!("The call returns the expected status quickly.", TIMED_CALL!())],
        caveats: ["Private and service endpoints don't use the NAT gateway's IP."],
        sources: [NAT_TROUBLESHOOT!(), ACI_NAT!()],
    },
    outcome! {
        id: "custom-dns",
        title: "The pod's DNS servers can't answer the names it needs",
        observation: "Lookups are slow or fail, calls by IP work; the pod asks your DNS servers, or Azure DNS for your private names.",
        cause: "Custom servers may be slow or blocked from the ACI subnet (NSG, firewall, peering, VPN). Container instances ignore the VNet's DNS settings, and Azure DNS knows only public names and linked Private DNS zones.",
        fix: [
            step!("Compare the VNet's DNS servers with the pod's.", "az network vnet show --resource-group <vnet-rg> --name <vnet> --query dhcpOptions.dnsServers\nkubectl exec <pod> --namespace <namespace> -- cat /etc/resolv.conf"),
            step!("Custom servers: allow port 53 (UDP, TCP) from the ACI subnet; check they answer fast.", "kubectl exec <pod> --namespace <namespace> -- sh -c 'time nslookup <name> <dns-server-ip>'"),
            step!("Private names: use a VNet-linked Private DNS zone, or a DNS Private Resolver forwarding ruleset.", "az network private-dns link vnet create --resource-group <rg> --zone-name <zone> --name <link-name> --virtual-network <vnet-id> --registration-enabled false"),
        ],
        verify: [step!("Private and public names resolve quickly.", "kubectl exec <pod> --namespace <namespace> -- sh -c 'time getent hosts <private-name>; time getent hosts mcr.microsoft.com'")],
        caveats: ["Lacking `nslookup` or `getent`, use the test pod."],
        sources: [ACI_CUSTOM_DNS!(), PRIVATE_DNS!(), DNS_RESOLVER_RULESETS!()],
    },
    outcome! {
        id: "cluster-dns-slow",
        title: "The cluster DNS itself is slow or unreachable",
        observation: "The pod has kube-proxy and uses the cluster DNS IP, but lookups are slow or fail.",
        cause: "Its lookups go through CoreDNS, so the delay lies in CoreDNS, its upstreams or the path to its IP. v1 add-on pods were reported unable to reach that IP at all.",
        fix: [
            step!("Compare with a pod on a regular node; slow there too means CoreDNS.", "kubectl run dnstest --image=registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3 --restart=Never --command -- sleep 3600\nkubectl exec dnstest -- sh -c 'time nslookup mcr.microsoft.com'"),
            step!("Check the CoreDNS pods and logs.", "kubectl get pods --namespace kube-system --selector k8s-app=kube-dns\nkubectl logs --namespace kube-system --selector k8s-app=kube-dns --tail=100"),
            step!("If only virtual-node pods are slow, query the cluster DNS IP; if silent, set `injectdns: \"false\"`.", "kubectl exec <pod> --namespace <namespace> -- nslookup kubernetes.default.svc.cluster.local <cluster-dns-ip>"),
        ],
        verify: [step!("Lookups take well under a second.", LOOKUP_TIME!())],
        caveats: ["Delete the test pod afterwards: `kubectl delete pod dnstest`."],
        sources: [AKS_COREDNS!(), K8S_DNS_DEBUG!(), ACI_CLUSTER_DNS_ISSUE!()],
    },
    outcome! {
        id: "subnet-delegation",
        title: "The ACI subnet isn't delegated to Azure Container Instances",
        observation: "The virtual-node subnet isn't delegated to `Microsoft.ContainerInstance/containerGroups`, or holds other resources.",
        cause: "ACI deploys only into a subnet delegated to it, which can hold nothing else. Virtual nodes v2 find it by the Helm value `aciSubnetName` (default `cg`).",
        fix: [
            step!("Delegate the subnet (no other resources may be in it).", "az network vnet subnet update --resource-group <vnet-rg> --vnet-name <vnet> --name cg --delegations Microsoft.ContainerInstance/containerGroups"),
            step!("Else create a delegated subnet with the NAT gateway; point `aciSubnetName` or a pod's `microsoft.containerinstance.virtualnode.subnets.primary` annotation at it.", "az network vnet subnet create --resource-group <vnet-rg> --vnet-name <vnet> --name cg2 --address-prefixes <prefix> --delegations Microsoft.ContainerInstance/containerGroups --nat-gateway <nat-gateway>"),
        ],
        verify: [
            step!("The delegation is in place.", "az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query \"delegations[].serviceName\" --output tsv"),
            step!("A re-created pod starts.", "kubectl get pod <pod> --namespace <namespace> --watch"),
        ],
        caveats: [],
        sources: [ACI_VNET!(), VN_NODE_SUBNETS!(), VN_POD_SUBNETS!()],
    },
    outcome! {
        id: "subnet-full",
        title: "The ACI subnet is too small for the pods",
        observation: "New pods don't start while older ones run, and the pod count nears the subnet's usable addresses.",
        cause: "Each pod takes a subnet address and Azure keeps 5 per subnet, so a full subnet starves new pods. The virtual-nodes guide recommends a /16 for `cg`.",
        fix: [
            step!("Add a delegated subnet with the NAT gateway to `aciSubnetName` (comma-separated; replicas take the least used).", "az network vnet subnet create --resource-group <vnet-rg> --vnet-name <vnet> --name cg2 --address-prefixes <prefix> --delegations Microsoft.ContainerInstance/containerGroups --nat-gateway <nat-gateway>\nhelm upgrade <release> <chart-path> --namespace <vn-namespace> --reuse-values --set aciSubnetName='cg\\,cg2'"),
            advice!("Or move workloads to regular node pools."),
        ],
        verify: [step!("Helm lists both subnets and new pods start.", "helm get values <release> --namespace <vn-namespace> --all | grep aciSubnetName\nkubectl get pods --namespace <namespace> --output wide")],
        caveats: ["Subnets are picked per replica, not per pod: add replicas (`replicaCount`) or use the `subnets.primary` pod annotation."],
        sources: [VN_README_VNET!(), VN_NODE_SUBNETS!(), VNET_RESERVED_IPS!()],
    },
    outcome! {
        id: "support",
        title: "No known cause: collect data for a support case",
        observation: "None of the common causes checked here fits the answers.",
        cause: "The cause lies in the platform, the destination or your network; support needs the data below.",
        fix: [
            step!("Record a failing call with timings and the UTC time.", concat!("date -u\nkubectl exec <pod> --namespace <namespace> -- ", timed_curl!(" -v"))),
            step!("Save the pod's definition, events and resolver configuration.", "kubectl get pod <pod> --namespace <namespace> --output yaml > pod.yaml\nkubectl describe pod <pod> --namespace <namespace> > pod-describe.txt\nkubectl exec <pod> --namespace <namespace> -- cat /etc/resolv.conf > resolv.conf"),
            step!("Save the ACI subnet's set-up and the virtual-node version.", "az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --output json > subnet.json\nkubectl get nodes --output wide > nodes.txt\nhelm list --all-namespaces > helm-releases.txt"),
            advice!("Open an Azure support request with this summary (as Markdown) and the files; report v2 bugs on GitHub."),
        ],
        verify: [advice!("The request gives the UTC window, pod, subnet and NAT gateway IDs, and a timed failing call.")],
        caveats: ["Remove secrets from `pod.yaml` before sharing it."],
        sources: [AZURE_SUPPORT!(), VN_SUPPORT!()],
    },
);
