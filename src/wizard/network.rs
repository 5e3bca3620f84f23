//! The network troubleshooting graph for pods on AKS virtual nodes: data only.
//!
//! Order of the checks (the order a senior engineer works in): the symptom, the virtual-nodes
//! generation, the NAT gateway on the ACI subnet, Confidential / kube-proxy-less pods and DNS
//! injection, then the further causes (which phase of a call is slow, DNS servers, routes, NSG
//! rules, SNAT ports and idle timeouts, the destination), plus separate branches for calls to
//! cluster services and for pods that don't start (subnet delegation and size).
//!
//! Conventions (checked by `tests/wizard.rs`): every question `x` has an "I don't know" answer
//! leading to the check question `x-check`; a check question's own "I don't know" answer leads
//! on to the next question, or to the `support` outcome when nothing else can be checked.
//! Placeholders in commands: `<pod>`, `<namespace>`, `<vnet-rg>` / `<vnet>` (the cluster's
//! virtual network), `<rg>` (any resource group you manage), `<release>` / `<vn-namespace>` (the
//! virtual-nodes Helm release). `cg` is the default ACI subnet name: replace it if yours differs.

use super::graph::{Answer, Check, Graph, Node, Outcome, Question, Step};

// ---- sources -------------------------------------------------------------------------------

const VN: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances";
const VN_TROUBLESHOOTING: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/Docs/Troubleshooting.md#network-troubleshooting";
const VN_README_VNET: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/README.md#step-2-azure-virtual-network";
const VN_README_LIMITS: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/README.md#limitations-of-the-prior-virtual-node-vs-this-virtual-node-on-azure-container-instances";
const VN_README_HELM: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/README.md#installing-the-virtual-node-application-via-helm";
const VN_POD_ANNOTATIONS: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/Docs/PodCustomizations.md#controlling-behaviors-through-pod-annotations-and-labels";
const VN_POD_KUBEPROXY: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/Docs/PodCustomizations.md#disable-kube-proxy";
const VN_POD_INJECTDNS: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/Docs/PodCustomizations.md#disable-k8s-dns-injection";
const VN_POD_CONFIDENTIAL: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/Docs/PodCustomizations.md#confidential-containers";
const VN_POD_DEBUG: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/Docs/PodCustomizations.md#debug-mode";
const VN_POD_SUBNETS: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/Docs/PodCustomizations.md#using-virtual-nodes-with-multiple-subnets";
const VN_NODE_KUBEPROXY: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/Docs/NodeCustomizations.md#disabling-the-kube-proxy";
const VN_NODE_SUBNETS: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/Docs/NodeCustomizations.md#default-aci-subnet-behaviors-with-a-customized-acisubnetname";
const VN_HIGH_SCALE: &str = "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/Docs/HighScaleBestPractices.md#kube-proxy";
const VN_SUPPORT: &str =
    "https://github.com/microsoft/virtualnodesOnAzureContainerInstances/blob/main/SUPPORT.md";
const ACI_VNET: &str = "https://learn.microsoft.com/azure/container-instances/container-instances-virtual-network-concepts";
const ACI_NAT: &str =
    "https://learn.microsoft.com/azure/container-instances/container-instances-nat-gateway";
const ACI_CUSTOM_DNS: &str =
    "https://learn.microsoft.com/azure/container-instances/container-instances-custom-dns";
const AKS_VN1: &str = "https://learn.microsoft.com/azure/aks/virtual-nodes";
const AKS_VN1_CLI: &str = "https://learn.microsoft.com/azure/aks/virtual-nodes-cli";
const AKS_VN2: &str = "https://learn.microsoft.com/azure/aks/virtual-nodes-v2";
const AKS_ILB: &str = "https://learn.microsoft.com/azure/aks/internal-lb";
const AKS_COREDNS: &str = "https://learn.microsoft.com/azure/aks/coredns-troubleshoot";
const NAT_OVERVIEW: &str = "https://learn.microsoft.com/azure/nat-gateway/nat-overview";
const NAT_RESOURCE: &str =
    "https://learn.microsoft.com/azure/nat-gateway/nat-gateway-resource#idle-timeout-timers";
const NAT_TROUBLESHOOT: &str =
    "https://learn.microsoft.com/azure/nat-gateway/troubleshoot-nat-connectivity";
const NAT_METRICS: &str =
    "https://learn.microsoft.com/azure/nat-gateway/monitor-nat-gateway-reference";
const NSG_OVERVIEW: &str =
    "https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview";
const UDR_OVERVIEW: &str =
    "https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview";
const VNET_RESERVED_IPS: &str = "https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets";
const PRIVATE_DNS: &str = "https://learn.microsoft.com/azure/dns/private-dns-overview";
const PRIVATE_ENDPOINT_DNS: &str =
    "https://learn.microsoft.com/azure/private-link/private-endpoint-dns";
const DNS_RESOLVER_RULESETS: &str =
    "https://learn.microsoft.com/azure/dns/private-resolver-endpoints-rulesets";
const AZURE_SUPPORT: &str = "https://learn.microsoft.com/azure/azure-portal/supportability/how-to-create-azure-support-request";
const K8S_VIRTUAL_IPS: &str = "https://kubernetes.io/docs/reference/networking/virtual-ips/";
const K8S_DNS: &str = "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/";
const K8S_DNS_DEBUG: &str =
    "https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/";
const K8S_DEPLOYMENT: &str =
    "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#updating-a-deployment";
const EXTERNAL_DNS_AZURE_PRIVATE: &str = "https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/azure-private-dns.md";
const RESOLV_CONF: &str = "https://man7.org/linux/man-pages/man5/resolv.conf.5.html";
const CURL_WRITE_OUT: &str = "https://curl.se/docs/manpage.html#-w";
const RFC_SUBMISSION: &str = "https://www.rfc-editor.org/rfc/rfc6409";
const VK_SEARCH_ISSUE: &str = "https://github.com/virtual-kubelet/virtual-kubelet/issues/641";
const ACI_SEARCH_ISSUE: &str = "https://github.com/virtual-kubelet/azure-aci/issues/103";
const ACI_DNSCONFIG_ISSUE: &str = "https://github.com/virtual-kubelet/azure-aci/issues/46";
const ACI_CLUSTER_DNS_ISSUE: &str = "https://github.com/virtual-kubelet/azure-aci/issues/549";

// ---- commands used in several places --------------------------------------------------------

const TIMED_CALL: &str = "kubectl exec <pod> --namespace <namespace> -- curl -sS -o /dev/null --max-time 30 -w 'dns=%{time_namelookup}s connect=%{time_connect}s tls=%{time_appconnect}s total=%{time_total}s http=%{http_code}\\n' https://<host>/";
const TIMED_CALL_MEANING: &str = "Each value counts from the start of the call. A large `dns=` means the name lookup is slow; a large step from `dns=` to `connect=`, or a timeout, means the connection is slow; quick `connect=` and `tls=` with a large `total=` or an error code point at the destination.";
const TEST_POD: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: nettest
  # Add the microsoft.containerinstance.virtualnode.* annotations of the affected
  # pods under metadata.annotations (ccepolicy excepted: for a Confidential pod use
  # microsoft.containerinstance.virtualnode.injectkubeproxy: "false" instead).
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
        memory: 128Mi"#;
const TEST_POD_CALL: &str = "kubectl apply -f nettest.yaml\nkubectl wait --for=condition=Ready pod/nettest --timeout=300s\nkubectl exec nettest -- curl -sS -o /dev/null --max-time 30 -w 'dns=%{time_namelookup}s connect=%{time_connect}s tls=%{time_appconnect}s total=%{time_total}s http=%{http_code}\\n' https://<host>/";
const RESOLV: &str = "kubectl exec <pod> --namespace <namespace> -- cat /etc/resolv.conf";
const RESOLV_AND_DNS_IP: &str = "kubectl exec <pod> --namespace <namespace> -- cat /etc/resolv.conf\nkubectl get service kube-dns --namespace kube-system --output jsonpath='{.spec.clusterIP}'";
const ANNOTATIONS: &str = "kubectl get pod <pod> --namespace <namespace> --output yaml | grep 'microsoft.containerinstance.virtualnode'";
const HELM_KUBEPROXY: &str =
    "helm get values <release> --namespace <vn-namespace> --all | grep -A3 '^kubeProxy'";
const SUBNET_NAT: &str = "az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query natGateway.id --output tsv";
const RECREATE: &str = "# Pods of a Deployment: replace them all\nkubectl rollout restart deployment/<name> --namespace <namespace>\n# A standalone pod: delete it and create it again\nkubectl delete pod <pod> --namespace <namespace>\nkubectl apply -f <pod>.yaml";
const EGRESS_IP: &str =
    "kubectl exec <pod> --namespace <namespace> -- curl -s http://checkip.dyndns.org";

// ---- the graph ----------------------------------------------------------------------------------

/// The network troubleshooting wizard: slow or failing outbound calls from pods on virtual nodes.
pub static NETWORK: Graph = Graph {
    start: "symptom",
    nodes: &[
        // ---- symptom ------------------------------------------------------------------------
        Node::Question(Question {
            id: "symptom",
            title: "What goes wrong for the pods on the virtual node?",
            intro: "Pick the closest description. Outbound calls, calls to cluster services and pods that don't start have different usual causes, so this decides which checks come first.",
            checks: &[
                Check {
                    text: "Time one failing call from inside an affected pod. curl reports how long the name lookup, the connection, TLS and the whole call took.",
                    command: Some(TIMED_CALL),
                    meaning: TIMED_CALL_MEANING,
                },
                Check {
                    text: "See whether the pods start at all.",
                    command: Some("kubectl get pods --namespace <namespace> --output wide"),
                    meaning: "Pods on the virtual node that stay `Pending` or `ContainerCreating` have a start-up problem rather than a call problem.",
                },
            ],
            answers: &[
                Answer::new("outbound-slow", "Calls to addresses outside the cluster are slow or time out", "generation"),
                Answer::new("outbound-fail", "Calls outside the cluster fail with errors (refused, reset, TLS or HTTP errors)", "generation"),
                Answer::new("cluster-only", "Only calls to cluster services fail (service names, `*.svc.cluster.local`, cluster IPs)", "cluster-proxy"),
                Answer::new("not-starting", "New pods on the virtual node don't start (stay `Pending` or `ContainerCreating`)", "subnet"),
                Answer::unsure("unsure", "I don't know yet", "symptom-check"),
            ],
            sources: &[VN_TROUBLESHOOTING, CURL_WRITE_OUT],
        }),
        Node::Question(Question {
            id: "symptom-check",
            title: "Run a test call from the virtual node: what happens?",
            intro: "If the application image has no shell or curl, start the test pod below on the virtual node and call from there. Give it the same virtual-node annotations as the affected pods so that it gets the same network set-up.",
            checks: &[
                Check {
                    text: "Save this test pod as `nettest.yaml` (the node selector and toleration are those of virtual nodes v2; on the v1 add-on copy them from an affected pod).",
                    command: Some(TEST_POD),
                    meaning: "The `mcr.microsoft.com/azure-cli` image brings bash and curl.",
                },
                Check {
                    text: "Start it and time a call to an outside address, then one to a cluster service (`https://<service>.<service-namespace>.svc.cluster.local/`, or `http://` for a plain-HTTP service).",
                    command: Some(TEST_POD_CALL),
                    meaning: TIMED_CALL_MEANING,
                },
            ],
            answers: &[
                Answer::new("outside-bad", "Calls to outside addresses are slow, time out or fail", "generation"),
                Answer::new("cluster-bad", "Outside calls work; calls to cluster services fail", "cluster-proxy"),
                Answer::new("all-fine", "Everything works right now: the problem comes and goes", "pattern"),
                Answer::unsure("unsure", "I can't run commands in any pod", "generation"),
            ],
            sources: &[CURL_WRITE_OUT, VN_POD_ANNOTATIONS],
        }),
        // ---- generation ---------------------------------------------------------------------
        Node::Question(Question {
            id: "generation",
            title: "Which virtual nodes run the pods?",
            intro: "Virtual nodes v2 (Virtual nodes on Azure Container Instances, installed with Helm or as an AKS extension) and the older v1 add-on differ: v2 supports VNet peering, egress controlled by NSG rules and Confidential pods; the v1 add-on does not.",
            checks: &[
                Check {
                    text: "List the nodes with their `virtualization` label.",
                    command: Some("kubectl get nodes --label-columns virtualization"),
                    meaning: "A node with `virtualnode2` in the VIRTUALIZATION column is v2 (a Helm install names it after the release, followed by `-0`). A node named `virtual-node-aci-linux` is the v1 add-on.",
                },
                Check {
                    text: "See which node an affected pod runs on.",
                    command: Some("kubectl get pod <pod> --namespace <namespace> --output wide"),
                    meaning: "The NODE column names the virtual node.",
                },
            ],
            answers: &[
                Answer::new("v2", "Virtual nodes v2 (label `virtualization=virtualnode2`)", "nat"),
                Answer::new("v1", "The v1 virtual-nodes add-on (node `virtual-node-aci-linux`)", "v1-network"),
                Answer::unsure("unsure", "I don't know", "generation-check"),
            ],
            sources: &[VN, AKS_VN1_CLI, AKS_VN2, VN_README_LIMITS],
        }),
        Node::Question(Question {
            id: "generation-check",
            title: "What do the node list and the Helm releases show?",
            intro: "Run these with the kubeconfig of the cluster.",
            checks: &[
                Check {
                    text: "List the nodes with their `virtualization` label.",
                    command: Some("kubectl get nodes --label-columns virtualization"),
                    meaning: "`virtualnode2` in the VIRTUALIZATION column means v2; a node named `virtual-node-aci-linux` means the v1 add-on.",
                },
                Check {
                    text: "List the Helm releases.",
                    command: Some("helm list --all-namespaces"),
                    meaning: "A release of the `virtualnode` chart is virtual nodes v2 installed with Helm.",
                },
            ],
            answers: &[
                Answer::new("virtualnode2", "A node labelled `virtualnode2`, or a `virtualnode` Helm release", "nat"),
                Answer::new("aci-linux", "A node named `virtual-node-aci-linux`", "v1-network"),
                Answer::unsure("unsure", "Neither, or I can't run kubectl", "nat"),
            ],
            sources: &[VN_README_HELM, AKS_VN1_CLI],
        }),
        Node::Question(Question {
            id: "v1-network",
            title: "Does the traffic rely on something the v1 add-on doesn't support?",
            intro: "The v1 add-on doesn't support VNet peering, Kubernetes network policies, or internet egress controlled by network security groups. If the destination sits in a peered VNet, or an NSG is meant to control the pods' internet traffic, that is already the answer.",
            checks: &[
                Check {
                    text: "See whether the virtual-node subnet (the one passed as `--subnet-name` when the add-on was enabled) has an NSG.",
                    command: Some("az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name <aci-subnet> --query networkSecurityGroup.id --output tsv"),
                    meaning: "An ID means an NSG is attached; empty output means none.",
                },
                Check {
                    text: "List the VNet's peerings and the cluster's network policies.",
                    command: Some("az network vnet peering list --resource-group <vnet-rg> --vnet-name <vnet> --output table\nkubectl get networkpolicy --all-namespaces"),
                    meaning: "A peering matters if the destination is in the peered VNet; a network policy matters if it is meant to govern the virtual-node pods.",
                },
            ],
            answers: &[
                Answer::new("yes", "Yes: a peering, an NSG for internet egress, or network policies are involved", "v1-limits"),
                Answer::new("no", "No", "nat"),
                Answer::unsure("unsure", "I don't know", "v1-network-check"),
            ],
            sources: &[AKS_VN1, AKS_VN1_CLI],
        }),
        Node::Question(Question {
            id: "v1-network-check",
            title: "Do the subnet, peering and policy queries find anything the failing traffic depends on?",
            intro: "Run the three queries; then ask whether the failing call goes to a peered VNet, should pass an NSG, or is meant to be allowed or blocked by a network policy.",
            checks: &[Check {
                text: "Query the NSG, the peerings and the network policies.",
                command: Some("az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name <aci-subnet> --query networkSecurityGroup.id --output tsv\naz network vnet peering list --resource-group <vnet-rg> --vnet-name <vnet> --output table\nkubectl get networkpolicy --all-namespaces"),
                meaning: "Empty output everywhere means none of the unsupported features is in play.",
            }],
            answers: &[
                Answer::new("found", "Yes: the failing traffic depends on one of them", "v1-limits"),
                Answer::new("none", "No: none of them is involved", "nat"),
                Answer::unsure("unsure", "I can't run these", "nat"),
            ],
            sources: &[AKS_VN1],
        }),
        // ---- NAT gateway --------------------------------------------------------------------
        Node::Question(Question {
            id: "nat",
            title: "Does the ACI subnet (default name `cg`) have a NAT gateway?",
            intro: "Pods on virtual nodes are container groups in a delegated subnet of your VNet. Their only supported way out to the internet is a NAT gateway on that subnet; without one, outbound calls are slow or fail.",
            checks: &[
                Check {
                    text: "Find the subnet. Virtual nodes v2 use the Helm value `aciSubnetName` (default `cg`) unless the pod names another subnet in its `microsoft.containerinstance.virtualnode.subnets.primary` annotation; the v1 add-on uses the subnet given when it was enabled.",
                    command: Some("helm get values <release> --namespace <vn-namespace> --all | grep aciSubnetName"),
                    meaning: "The value is a comma-separated list of subnet names or IDs; check each of them.",
                },
                Check {
                    text: "Ask the subnet for its NAT gateway.",
                    command: Some(SUBNET_NAT),
                    meaning: "A resource ID ending in `/natGateways/<name>` means a NAT gateway is attached; empty output means there is none.",
                },
            ],
            answers: &[
                Answer::new("no", "No NAT gateway on the subnet", "no-nat-gateway"),
                Answer::new("yes", "Yes, a NAT gateway with a public IP is attached", "proxy"),
                Answer::unsure("unsure", "I don't know", "nat-check"),
            ],
            sources: &[VN_TROUBLESHOOTING, VN_README_VNET, ACI_VNET, VN_NODE_SUBNETS, VN_POD_SUBNETS],
        }),
        Node::Question(Question {
            id: "nat-check",
            title: "What do the subnet and NAT gateway queries print?",
            intro: "If you don't know the subnet's name, list the subnets delegated to Azure Container Instances in the cluster's VNet resource group: each row shows whether it has a NAT gateway.",
            checks: &[
                Check {
                    text: "List the ACI subnets and their NAT gateways.",
                    command: Some("az network vnet list --resource-group <vnet-rg> --query \"[].subnets[?delegations[?serviceName=='Microsoft.ContainerInstance/containerGroups']][].{subnet: id, natGateway: natGateway.id}\" --output table"),
                    meaning: "An empty `natGateway` column means that subnet has no NAT gateway.",
                },
                Check {
                    text: "Show the public IPs of the NAT gateway.",
                    command: Some("az network nat gateway show --ids <nat-gateway-id> --query \"{publicIps: publicIpAddresses[].id, prefixes: publicIpPrefixes[].id}\""),
                    meaning: "A NAT gateway needs at least one public IP address or prefix; with neither it passes no traffic.",
                },
            ],
            answers: &[
                Answer::new("none", "No NAT gateway (empty output or `null`)", "no-nat-gateway"),
                Answer::new("no-ip", "A NAT gateway is attached but has no public IP or prefix", "no-nat-gateway"),
                Answer::new("attached", "A NAT gateway with a public IP is attached", "proxy"),
                Answer::unsure("unsure", "I can't run these queries", "proxy"),
            ],
            sources: &[NAT_TROUBLESHOOT, ACI_VNET],
        }),
        // ---- Confidential / kube-proxy and DNS injection ------------------------------------
        Node::Question(Question {
            id: "proxy",
            title: "Are the affected pods Confidential, or running without kube-proxy?",
            intro: "Kubernetes points each pod's DNS at the cluster DNS service, whose cluster IP works only where kube-proxy runs. Virtual nodes v2 add kube-proxy to each pod unless an annotation or the Helm setting turns it off, and Confidential pods never get it. On the v1 add-on, answer No.",
            checks: &[
                Check {
                    text: "Read the pod's virtual-node annotations.",
                    command: Some(ANNOTATIONS),
                    meaning: "`microsoft.containerinstance.virtualnode.ccepolicy` means the pod is Confidential; `microsoft.containerinstance.virtualnode.injectkubeproxy: \"false\"` means kube-proxy is off for it.",
                },
                Check {
                    text: "Read the node-level setting of the virtual-nodes Helm release.",
                    command: Some(HELM_KUBEPROXY),
                    meaning: "`enabled: false` under `kubeProxy` turns kube-proxy off for every pod of that virtual node, whatever the pod annotation says.",
                },
            ],
            answers: &[
                Answer::new("confidential", "Yes: they are Confidential (`ccepolicy` annotation)", "dns-injected"),
                Answer::new("no-kube-proxy", "Yes: kube-proxy is turned off (annotation or Helm setting)", "dns-injected"),
                Answer::new("kube-proxy-on", "No: ordinary pods with kube-proxy", "isolate"),
                Answer::unsure("unsure", "I don't know", "proxy-check"),
            ],
            sources: &[VN_TROUBLESHOOTING, VN_POD_KUBEPROXY, VN_NODE_KUBEPROXY, VN_POD_CONFIDENTIAL, K8S_VIRTUAL_IPS],
        }),
        Node::Question(Question {
            id: "proxy-check",
            title: "What do the pod's annotations and the Helm values show?",
            intro: "The first of these that matches decides.",
            checks: &[
                Check {
                    text: "Read the pod's virtual-node annotations.",
                    command: Some(ANNOTATIONS),
                    meaning: "Look for `ccepolicy` and for `injectkubeproxy: \"false\"`.",
                },
                Check {
                    text: "Read the Helm values of the virtual node (v2).",
                    command: Some(HELM_KUBEPROXY),
                    meaning: "Look for `enabled: false` under `kubeProxy`.",
                },
            ],
            answers: &[
                Answer::new("ccepolicy", "A `microsoft.containerinstance.virtualnode.ccepolicy` annotation", "dns-injected"),
                Answer::new("injectkubeproxy", "`microsoft.containerinstance.virtualnode.injectkubeproxy: \"false\"`", "dns-injected"),
                Answer::new("helm-off", "`enabled: false` under `kubeProxy` in the Helm values", "dns-injected"),
                Answer::new("none", "None of these", "isolate"),
                Answer::unsure("unsure", "I can't read the pod or the Helm values", "isolate"),
            ],
            sources: &[VN_POD_KUBEPROXY, VN_NODE_KUBEPROXY],
        }),
        Node::Question(Question {
            id: "dns-injected",
            title: "Is Kubernetes DNS injection still on for these pods?",
            intro: "Without kube-proxy the cluster DNS IP, which Kubernetes writes first into `/etc/resolv.conf`, can't be reached. Each lookup then waits for that server to time out before the resolver tries the next one, or fails. The fix is the `microsoft.containerinstance.virtualnode.injectdns: \"false\"` annotation, unless it is already there.",
            checks: &[
                Check {
                    text: "Look for the annotation.",
                    command: Some("kubectl get pod <pod> --namespace <namespace> --output jsonpath='{.metadata.annotations.microsoft\\.containerinstance\\.virtualnode\\.injectdns}'"),
                    meaning: "`false` means injection is already off; empty output means it is on (the default).",
                },
                Check {
                    text: "Read the pod's resolver configuration and compare with the cluster DNS IP.",
                    command: Some(RESOLV_AND_DNS_IP),
                    meaning: "If the first `nameserver` line is the cluster DNS IP, injection is on.",
                },
                Check {
                    text: "Time a lookup.",
                    command: Some("kubectl exec <pod> --namespace <namespace> -- curl -sS -o /dev/null -w 'dns=%{time_namelookup}s\\n' https://mcr.microsoft.com/"),
                    meaning: "A `dns=` of several seconds (the glibc resolver waits 5 s per server by default) means the first nameserver isn't answering.",
                },
            ],
            answers: &[
                Answer::new("on", "No: injection is on (no annotation; the cluster DNS IP is listed first)", "disable-dns-injection"),
                Answer::new("off", "Yes: `injectdns` is already `\"false\"`", "isolate"),
                Answer::unsure("unsure", "I don't know", "dns-injected-check"),
            ],
            sources: &[VN_TROUBLESHOOTING, VN_POD_INJECTDNS, K8S_DNS, RESOLV_CONF],
        }),
        Node::Question(Question {
            id: "dns-injected-check",
            title: "Which nameserver does the pod's `/etc/resolv.conf` list first?",
            intro: "`kubectl exec` into a Confidential pod works only if its policy allows it (a policy generated with `--debug-mode` allows a shell). If it is refused, use the test pod below with `injectkubeproxy: \"false\"`: it has the same DNS set-up.",
            checks: &[
                Check {
                    text: "Read the resolver configuration and the cluster DNS IP.",
                    command: Some(RESOLV_AND_DNS_IP),
                    meaning: "Compare the first `nameserver` line with the cluster DNS IP.",
                },
                Check {
                    text: "Or start the test pod with `injectkubeproxy: \"false\"` and read its configuration.",
                    command: Some(TEST_POD),
                    meaning: "Then run `kubectl exec nettest -- cat /etc/resolv.conf`.",
                },
            ],
            answers: &[
                Answer::new("cluster-ip", "The cluster DNS IP (for example `10.0.0.10`)", "disable-dns-injection"),
                Answer::new("other", "Another address (for example `168.63.129.16`)", "isolate"),
                Answer::unsure("unsure", "I can't read it", "isolate"),
            ],
            sources: &[VN_POD_DEBUG, VN_TROUBLESHOOTING, K8S_DNS_DEBUG],
        }),
        // ---- which phase of the call --------------------------------------------------------
        Node::Question(Question {
            id: "isolate",
            title: "Which part of the call is slow or failing?",
            intro: "Split one call into its phases: name lookup, TCP connection, TLS, response. Each phase has its own causes.",
            checks: &[
                Check {
                    text: "Time a failing call from the affected pod.",
                    command: Some(TIMED_CALL),
                    meaning: TIMED_CALL_MEANING,
                },
                Check {
                    text: "Don't test with `ping`.",
                    command: None,
                    meaning: "A NAT gateway carries TCP and UDP only, so ICMP fails even when everything else works.",
                },
            ],
            answers: &[
                Answer::new("lookup", "The name lookup (`dns=` is large, or the name doesn't resolve)", "resolver"),
                Answer::new("connect", "The connection (`dns=` is small; `connect=` is large, times out or is reset)", "route"),
                Answer::new("response", "Lookup and connection are quick; the server answers slowly or with an error (403, 429, 5xx)", "destination-rejects"),
                Answer::unsure("unsure", "I don't know", "isolate-check"),
            ],
            sources: &[CURL_WRITE_OUT, NAT_OVERVIEW],
        }),
        Node::Question(Question {
            id: "isolate-check",
            title: "Time the call from a test pod: which value stands out?",
            intro: "Use this when the application image has no curl or shell, or `kubectl exec` is refused. The test pod runs on the virtual node; give it the virtual-node annotations of the affected pods.",
            checks: &[
                Check {
                    text: "Save the test pod as `nettest.yaml`.",
                    command: Some(TEST_POD),
                    meaning: "Virtual nodes v2 node selector and toleration; on the v1 add-on copy them from an affected pod.",
                },
                Check {
                    text: "Start it and time the failing call.",
                    command: Some(TEST_POD_CALL),
                    meaning: TIMED_CALL_MEANING,
                },
            ],
            answers: &[
                Answer::new("lookup", "The name lookup", "resolver"),
                Answer::new("connect", "The connection", "route"),
                Answer::new("response", "The response (slow, or an HTTP error)", "destination-rejects"),
                Answer::unsure("unsure", "I can't start pods or run commands in them", "route"),
            ],
            sources: &[CURL_WRITE_OUT, VN_POD_ANNOTATIONS],
        }),
        // ---- DNS servers --------------------------------------------------------------------
        Node::Question(Question {
            id: "resolver",
            title: "Which DNS servers does the pod ask?",
            intro: "Slow or failing lookups depend on who answers them: the cluster DNS (CoreDNS), Azure-provided DNS (`168.63.129.16`), or your own DNS servers.",
            checks: &[
                Check {
                    text: "Read the pod's resolver configuration and the cluster DNS IP.",
                    command: Some(RESOLV_AND_DNS_IP),
                    meaning: "The `nameserver` lines are asked in order.",
                },
                Check {
                    text: "See which DNS servers the VNet hands out.",
                    command: Some("az network vnet show --resource-group <vnet-rg> --name <vnet> --query dhcpOptions.dnsServers"),
                    meaning: "An empty list means Azure-provided DNS; addresses are custom DNS servers. Container instances don't take these settings from the VNet by themselves.",
                },
            ],
            answers: &[
                Answer::new("cluster-no-proxy", "The cluster DNS IP first, and the pod is Confidential or without kube-proxy", "disable-dns-injection"),
                Answer::new("cluster", "The cluster DNS IP first, and the pod has kube-proxy", "cluster-dns-slow"),
                Answer::new("custom", "Our own DNS servers", "custom-dns"),
                Answer::new("azure-private", "Azure-provided DNS, and the failing names exist only on our own DNS servers (for example on-premises)", "custom-dns"),
                Answer::new("azure-public", "Azure-provided DNS, and public names are slow too", "support"),
                Answer::unsure("unsure", "I don't know", "resolver-check"),
            ],
            sources: &[K8S_DNS, ACI_VNET, ACI_CUSTOM_DNS],
        }),
        Node::Question(Question {
            id: "resolver-check",
            title: "What is the first `nameserver`, and which names fail?",
            intro: "Use the resolver configuration of the affected pod (or of the test pod with the same annotations).",
            checks: &[Check {
                text: "Read the configuration and the cluster DNS IP.",
                command: Some(RESOLV_AND_DNS_IP),
                meaning: "Compare the first `nameserver` with the cluster DNS IP and with `168.63.129.16`.",
            }],
            answers: &[
                Answer::new("cluster-ip", "The cluster DNS IP", "cluster-dns-slow"),
                Answer::new("custom-ip", "An address of our own DNS servers", "custom-dns"),
                Answer::new("azure-private", "`168.63.129.16`, and only private names fail", "custom-dns"),
                Answer::new("azure-public", "`168.63.129.16`, and public names are slow too", "support"),
                Answer::unsure("unsure", "I can't read it", "route"),
            ],
            sources: &[K8S_DNS_DEBUG, ACI_VNET],
        }),
        // ---- routes, NSG --------------------------------------------------------------------
        Node::Question(Question {
            id: "route",
            title: "Does a route send the subnet's internet traffic to a firewall or gateway?",
            intro: "A route table on the ACI subnet with a `0.0.0.0/0` route to a virtual appliance (such as Azure Firewall) or to a VPN or ExpressRoute gateway takes precedence over the NAT gateway. The calls then depend on that device.",
            checks: &[
                Check {
                    text: "Ask the subnet for its route table.",
                    command: Some("az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query routeTable.id --output tsv"),
                    meaning: "Empty output: no route table, so the answer is No.",
                },
                Check {
                    text: "List its routes.",
                    command: Some("az network route-table show --ids <route-table-id> --query \"routes[].{prefix: addressPrefix, nextHop: nextHopType, ip: nextHopIpAddress}\" --output table"),
                    meaning: "Look for prefix `0.0.0.0/0` with next hop `VirtualAppliance` or `VirtualNetworkGateway`.",
                },
            ],
            answers: &[
                Answer::new("yes", "Yes: `0.0.0.0/0` goes to a firewall, appliance or gateway", "forced-tunnel"),
                Answer::new("no", "No route table, or no such route", "nsg"),
                Answer::unsure("unsure", "I don't know", "route-check"),
            ],
            sources: &[NAT_OVERVIEW, UDR_OVERVIEW],
        }),
        Node::Question(Question {
            id: "route-check",
            title: "What does the route query print?",
            intro: "The route table can live in another resource group than the VNet; the query below follows the subnet's reference to it.",
            checks: &[Check {
                text: "Show the routes of the ACI subnet's route table (bash).",
                command: Some("RT=$(az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query routeTable.id --output tsv)\n[ -n \"$RT\" ] && az network route-table show --ids \"$RT\" --query \"routes[].{prefix: addressPrefix, nextHop: nextHopType, ip: nextHopIpAddress}\" --output table"),
                meaning: "No output: the subnet has no route table.",
            }],
            answers: &[
                Answer::new("appliance", "A `0.0.0.0/0` row with `VirtualAppliance` or `VirtualNetworkGateway`", "forced-tunnel"),
                Answer::new("none", "No output, or no such row", "nsg"),
                Answer::unsure("unsure", "I can't run it", "nsg"),
            ],
            sources: &[UDR_OVERVIEW],
        }),
        Node::Question(Question {
            id: "nsg",
            title: "Does a network security group block the outbound traffic?",
            intro: "Virtual nodes v2 support NSG rules on the ACI subnet to control egress. Rules are evaluated by priority, lowest number first, and the first rule that matches a packet decides.",
            checks: &[
                Check {
                    text: "Ask the subnet for its NSG.",
                    command: Some("az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query networkSecurityGroup.id --output tsv"),
                    meaning: "Empty output: no NSG on the subnet, so the answer is No.",
                },
                Check {
                    text: "List its outbound rules, default rules included, in evaluation order.",
                    command: Some("az network nsg rule list --resource-group <nsg-rg> --nsg-name <nsg> --include-default --query \"[?direction=='Outbound'] | sort_by(@, &priority)\" --output table"),
                    meaning: "Walk down the list: the first rule whose destination and port match the failing call decides. `Deny` there blocks the call.",
                },
            ],
            answers: &[
                Answer::new("deny", "Yes: a deny rule matches before any allow rule", "nsg-deny"),
                Answer::new("allow", "No NSG, or the first matching rule allows the call", "pattern"),
                Answer::unsure("unsure", "I don't know", "nsg-check"),
            ],
            sources: &[NSG_OVERVIEW, AKS_VN2, ACI_VNET],
        }),
        Node::Question(Question {
            id: "nsg-check",
            title: "Which rule is the first to match the failing destination and port?",
            intro: "Rules listing several destinations show them in `destinationAddressPrefixes`; use `--output json` to see them.",
            checks: &[Check {
                text: "Show the outbound rules of the ACI subnet's NSG in evaluation order (bash).",
                command: Some("NSG=$(az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query networkSecurityGroup.id --output tsv)\n[ -n \"$NSG\" ] && az network nsg show --ids \"$NSG\" --query \"[securityRules, defaultSecurityRules][] | [?direction=='Outbound'] | sort_by(@, &priority)[].{priority: priority, name: name, access: access, destination: destinationAddressPrefix, ports: destinationPortRange}\" --output table"),
                meaning: "No output: the subnet has no NSG.",
            }],
            answers: &[
                Answer::new("deny-first", "A `Deny` rule matches first", "nsg-deny"),
                Answer::new("allow-first", "No NSG, or an `Allow` rule matches first", "pattern"),
                Answer::unsure("unsure", "I can't run it or can't tell", "pattern"),
            ],
            sources: &[NSG_OVERVIEW],
        }),
        // ---- failure pattern ------------------------------------------------------------------
        Node::Question(Question {
            id: "pattern",
            title: "When do the failures happen?",
            intro: "With the NAT gateway, routes and NSG rules in order, the pattern of the failures points at what is left: SNAT ports, idle timeouts, a blocked port, or the destination.",
            checks: &[
                Check {
                    text: "Read the NAT gateway's failed SNAT connections for the last hour (bash).",
                    command: Some("NATGW=$(az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query natGateway.id --output tsv)\naz monitor metrics list --resource \"$NATGW\" --metric SNATConnectionCount --filter \"ConnectionState eq 'Failed'\" --aggregation Total --interval PT1M --output table"),
                    meaning: "Failed connections above zero at the time of the failures point to SNAT port exhaustion.",
                },
                Check {
                    text: "Compare a failing destination with one that works, from the same pod.",
                    command: Some(TIMED_CALL),
                    meaning: "If only one destination fails, the problem is probably on its side.",
                },
            ],
            answers: &[
                Answer::new("under-load", "Under load: many calls at once, and failed SNAT connections above zero", "snat-exhaustion"),
                Answer::new("after-idle", "After quiet periods: pooled or long-lived connections break on first use", "idle-timeout"),
                Answer::new("port-25", "Only mail (SMTP) on port 25 fails", "port-25"),
                Answer::new("one-destination", "Only one destination fails; others work", "destination-rejects"),
                Answer::new("always", "All the time, with no pattern", "support"),
                Answer::unsure("unsure", "I don't know", "pattern-check"),
            ],
            sources: &[NAT_TROUBLESHOOT, NAT_METRICS],
        }),
        Node::Question(Question {
            id: "pattern-check",
            title: "What do the NAT gateway metrics show at the time of the failures?",
            intro: "Pick a window that contains failures; `--start-time` and `--end-time` take UTC times such as `2026-01-31T14:00:00Z`.",
            checks: &[Check {
                text: "Read failed and total SNAT connections per minute (bash).",
                command: Some("NATGW=$(az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query natGateway.id --output tsv)\naz monitor metrics list --resource \"$NATGW\" --metric SNATConnectionCount --filter \"ConnectionState eq 'Failed'\" --aggregation Total --interval PT1M --start-time <start> --end-time <end> --output table\naz monitor metrics list --resource \"$NATGW\" --metric TotalConnectionCount --aggregation Total --interval PT1M --start-time <start> --end-time <end> --output table"),
                meaning: "Failed connections above zero point to SNAT port exhaustion or the connection limit.",
            }],
            answers: &[
                Answer::new("failed-snat", "Failed SNAT connections above zero", "snat-exhaustion"),
                Answer::new("clean", "No failed connections", "support"),
                Answer::unsure("unsure", "I can't read the metrics", "support"),
            ],
            sources: &[NAT_METRICS, NAT_TROUBLESHOOT],
        }),
        // ---- calls to cluster services -------------------------------------------------------
        Node::Question(Question {
            id: "cluster-proxy",
            title: "Do the failing pods run without kube-proxy, or with DNS injection off?",
            intro: "Service names resolve through the cluster DNS, and service cluster IPs work only through kube-proxy's rules. Virtual-node pods that are Confidential or have kube-proxy turned off can use neither; pods with `injectdns: \"false\"` don't ask the cluster DNS at all.",
            checks: &[
                Check {
                    text: "Read the pod's virtual-node annotations.",
                    command: Some(ANNOTATIONS),
                    meaning: "Look for `ccepolicy`, `injectkubeproxy: \"false\"` and `injectdns: \"false\"`.",
                },
                Check {
                    text: "Read the node-level kube-proxy setting (v2 Helm).",
                    command: Some(HELM_KUBEPROXY),
                    meaning: "`enabled: false` turns kube-proxy off for every pod of that virtual node.",
                },
            ],
            answers: &[
                Answer::new("no-kube-proxy", "Yes: Confidential, or kube-proxy turned off", "cluster-services"),
                Answer::new("dns-off", "Yes: `injectdns` is `\"false\"`", "cluster-services"),
                Answer::new("both-on", "No: kube-proxy and DNS injection are on", "cluster-name"),
                Answer::unsure("unsure", "I don't know", "cluster-proxy-check"),
            ],
            sources: &[K8S_VIRTUAL_IPS, VN_POD_KUBEPROXY, VN_POD_INJECTDNS, VN_NODE_KUBEPROXY],
        }),
        Node::Question(Question {
            id: "cluster-proxy-check",
            title: "What do the annotations and `/etc/resolv.conf` show?",
            intro: "A pod with kube-proxy and DNS injection has the cluster DNS IP as its first nameserver and none of the annotations below.",
            checks: &[
                Check {
                    text: "Read the annotations.",
                    command: Some(ANNOTATIONS),
                    meaning: "`ccepolicy`, `injectkubeproxy: \"false\"` or `injectdns: \"false\"` change how the pod reaches cluster services.",
                },
                Check {
                    text: "Read the resolver configuration.",
                    command: Some(RESOLV),
                    meaning: "Compare the first `nameserver` with the cluster DNS IP (`kubectl get service kube-dns --namespace kube-system`).",
                },
            ],
            answers: &[
                Answer::new("found", "One of those annotations is set (or Helm `kubeProxy` `enabled: false`)", "cluster-services"),
                Answer::new("none", "None of them; the cluster DNS IP is the first nameserver", "cluster-name"),
                Answer::unsure("unsure", "I can't read them", "cluster-name"),
            ],
            sources: &[VN_POD_ANNOTATIONS, K8S_DNS],
        }),
        Node::Question(Question {
            id: "cluster-name",
            title: "Does the full service name work where the short name fails?",
            intro: "Short names such as `my-service` rely on the `search` domains Kubernetes writes into `/etc/resolv.conf`; the full name `my-service.my-namespace.svc.cluster.local` doesn't need them.",
            checks: &[
                Check {
                    text: "Resolve both forms from the pod.",
                    command: Some("kubectl exec <pod> --namespace <namespace> -- getent hosts <service>\nkubectl exec <pod> --namespace <namespace> -- getent hosts <service>.<service-namespace>.svc.cluster.local"),
                    meaning: "Only the second prints an address: the search domains are missing. Neither does: the problem lies elsewhere.",
                },
                Check {
                    text: "Make sure the service has ready endpoints.",
                    command: Some("kubectl get endpointslices --namespace <service-namespace> --selector kubernetes.io/service-name=<service>"),
                    meaning: "No endpoints means no ready pod behind the service, which is not a network problem.",
                },
            ],
            answers: &[
                Answer::new("full-works", "The full name works, the short one doesn't", "short-names"),
                Answer::new("both-fail", "Both fail", "support"),
                Answer::unsure("unsure", "I don't know", "cluster-name-check"),
            ],
            sources: &[K8S_DNS, K8S_DNS_DEBUG],
        }),
        Node::Question(Question {
            id: "cluster-name-check",
            title: "Does `/etc/resolv.conf` have a `search` line with the cluster domains?",
            intro: "A pod set up by Kubernetes has a line like `search <namespace>.svc.cluster.local svc.cluster.local cluster.local`.",
            checks: &[Check {
                text: "Read the resolver configuration.",
                command: Some(RESOLV),
                meaning: "Look for the `search` line.",
            }],
            answers: &[
                Answer::new("no-search", "No `search` line, or one without `svc.cluster.local`", "short-names"),
                Answer::new("has-search", "The cluster domains are there", "support"),
                Answer::unsure("unsure", "I can't read it", "support"),
            ],
            sources: &[K8S_DNS],
        }),
        // ---- pods that don't start -----------------------------------------------------------
        Node::Question(Question {
            id: "subnet",
            title: "Is the ACI subnet delegated to Azure Container Instances, with free addresses?",
            intro: "Each virtual-node pod takes an address in the ACI subnet, and ACI deploys only into a subnet delegated to `Microsoft.ContainerInstance/containerGroups` that holds nothing else.",
            checks: &[
                Check {
                    text: "Show the subnet's size and delegation.",
                    command: Some("az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query \"{prefix: addressPrefix, delegations: delegations[].serviceName}\""),
                    meaning: "`delegations` must list `Microsoft.ContainerInstance/containerGroups`. The prefix sets the size: a /24 has 256 addresses, of which Azure keeps 5.",
                },
                Check {
                    text: "Count the pods on the virtual node.",
                    command: Some("kubectl get pods --all-namespaces --field-selector spec.nodeName=<virtual-node> --no-headers | wc -l"),
                    meaning: "Compare with the usable addresses of the subnet.",
                },
                Check {
                    text: "Read why a pod doesn't start.",
                    command: Some("kubectl describe pod <pod> --namespace <namespace>"),
                    meaning: "The events at the end give the reason. A `policyDecision< … >policyDecision` there is a Confidential policy denial: paste it into the decoder instead.",
                },
            ],
            answers: &[
                Answer::new("not-delegated", "The subnet isn't delegated to `Microsoft.ContainerInstance/containerGroups`", "subnet-delegation"),
                Answer::new("full", "Delegated, but nearly all addresses are in use", "subnet-full"),
                Answer::new("fine", "Delegated, with plenty of free addresses", "support"),
                Answer::unsure("unsure", "I don't know", "subnet-check"),
            ],
            sources: &[ACI_VNET, VN_README_VNET, AKS_VN1_CLI, VNET_RESERVED_IPS],
        }),
        Node::Question(Question {
            id: "subnet-check",
            title: "What do the subnet query and the pod count show?",
            intro: "Usable addresses in a subnet: 2 to the power of (32 minus the prefix length), minus the 5 that Azure keeps.",
            checks: &[Check {
                text: "Query the subnet and count the pods of the virtual node.",
                command: Some("az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query \"{prefix: addressPrefix, delegations: delegations[].serviceName}\"\nkubectl get pods --all-namespaces --field-selector spec.nodeName=<virtual-node> --no-headers | wc -l"),
                meaning: "Compare the delegation with `Microsoft.ContainerInstance/containerGroups` and the pod count with the usable addresses.",
            }],
            answers: &[
                Answer::new("no-delegation", "`delegations` is empty or names another service", "subnet-delegation"),
                Answer::new("near-full", "The pod count is close to the usable addresses", "subnet-full"),
                Answer::new("plenty", "Delegated, with plenty of room", "support"),
                Answer::unsure("unsure", "I can't run these", "support"),
            ],
            sources: &[ACI_VNET, VNET_RESERVED_IPS],
        }),
        // ==== outcomes ===========================================================================
        Node::Outcome(Outcome {
            id: "no-nat-gateway",
            title: "No NAT gateway on the ACI subnet",
            observation: "The subnet the virtual-node pods run in (default name `cg`) has no NAT gateway, or its NAT gateway has no public IP address.",
            cause: "Container groups in a virtual network reach the internet only through a NAT gateway on their subnet: Microsoft documents it as the one supported outbound set-up, and the virtual-nodes setup guide requires it for pods that make outbound calls. Without it, outbound calls are slow, time out or fail. A NAT gateway without a public IP address passes no traffic either.",
            fix: &[
                Step {
                    text: "Create a Standard, static public IP address for the NAT gateway.",
                    run: Some("az network public-ip create --resource-group <rg> --name aci-nat-ip --sku standard --allocation static"),
                },
                Step {
                    text: "Create the NAT gateway with that address (skip this and the previous step if a NAT gateway only lacks its IP: add the IP with `az network nat gateway update --public-ip-addresses`).",
                    run: Some("az network nat gateway create --resource-group <rg> --name aci-nat --public-ip-addresses aci-nat-ip --idle-timeout 10"),
                },
                Step {
                    text: "Attach it to the ACI subnet. If the NAT gateway is in another resource group than the VNet, pass its full resource ID instead of its name.",
                    run: Some("az network vnet subnet update --resource-group <vnet-rg> --vnet-name <vnet> --name cg --nat-gateway aci-nat"),
                },
                Step {
                    text: "Re-create the affected pods, as the virtual-nodes troubleshooting guide asks.",
                    run: Some(RECREATE),
                },
            ],
            verify: &[
                Step {
                    text: "The subnet now refers to the NAT gateway.",
                    run: Some(SUBNET_NAT),
                },
                Step {
                    text: "From a re-created pod, the outside world sees the NAT gateway's public IP: the two addresses must match.",
                    run: Some("az network public-ip show --resource-group <rg> --name aci-nat-ip --query ipAddress --output tsv\nkubectl exec <pod> --namespace <namespace> -- curl -s http://checkip.dyndns.org"),
                },
                Step {
                    text: "Time the call that was slow again.",
                    run: Some(TIMED_CALL),
                },
            ],
            caveats: &[
                "All outbound calls from the subnet now leave from the NAT gateway's public IP: add it to the allow-lists of partners and firewalls that filter by source address.",
                "Don't test with `ping`: a NAT gateway carries TCP and UDP, not ICMP.",
                "A `0.0.0.0/0` route on the subnet to a firewall, appliance or VPN/ExpressRoute gateway takes precedence over the NAT gateway; if calls still fail, continue with the routing check.",
            ],
            sources: &[VN_TROUBLESHOOTING, VN_README_VNET, ACI_VNET, ACI_NAT, NAT_OVERVIEW, NAT_TROUBLESHOOT],
        }),
        Node::Outcome(Outcome {
            id: "disable-dns-injection",
            title: "Kubernetes DNS is injected into a pod that can't reach it",
            observation: "The pod is Confidential or runs without kube-proxy, and its `/etc/resolv.conf` lists the cluster DNS service IP (for example `10.0.0.10`) first. Name lookups take seconds or fail; calls by IP address are fine.",
            cause: "Kubernetes makes the cluster IP of its DNS service each pod's first nameserver. A cluster IP is virtual: only kube-proxy's rules make it reachable. Virtual-node pods without the kube-proxy sidecar (turned off by the `microsoft.containerinstance.virtualnode.injectkubeproxy: \"false\"` annotation or the Helm value `kubeProxy.enabled: false`, and every Confidential pod, which never gets kube-proxy) send their queries to an address nobody answers. Resolvers that move on to the next nameserver still succeed, but only after waiting for the first one to time out, on every lookup; others fail.",
            fix: &[
                Step {
                    text: "Turn Kubernetes DNS injection off so the pod uses the ACI default DNS. In a Pod manifest the annotation belongs in the pod's own `metadata`:",
                    run: Some(r#"apiVersion: v1
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
    image: <image>"#),
                },
                Step {
                    text: "In a Deployment (and StatefulSet, Job …) it belongs in the pod template, `spec.template.metadata.annotations`, not in the Deployment's own metadata:",
                    run: Some(r#"apiVersion: apps/v1
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
        image: <image>"#),
                },
                Step {
                    text: "For a Confidential pod, add the annotation to the YAML first and then generate the policy from the edited file, so that the policy matches what you deploy.",
                    run: Some("az confcom acipolicygen --virtual-node-yaml <file>.yaml"),
                },
                Step {
                    text: "Apply the manifest. A Deployment rolls out new pods by itself because its pod template changed; a standalone pod must be deleted and created again.",
                    run: Some("kubectl apply -f <file>.yaml\n# standalone pod only:\nkubectl delete pod <pod> --namespace <namespace> && kubectl apply -f <file>.yaml"),
                },
            ],
            verify: &[
                Step {
                    text: "The running pod carries the annotation (prints `false`).",
                    run: Some("kubectl get pod <pod> --namespace <namespace> --output jsonpath='{.metadata.annotations.microsoft\\.containerinstance\\.virtualnode\\.injectdns}'"),
                },
                Step {
                    text: "The cluster DNS IP is no longer the first nameserver.",
                    run: Some(RESOLV),
                },
                Step {
                    text: "Lookups are quick again: `dns=` well under a second.",
                    run: Some("kubectl exec <pod> --namespace <namespace> -- curl -sS -o /dev/null -w 'dns=%{time_namelookup}s\\n' https://mcr.microsoft.com/"),
                },
            ],
            caveats: &[
                "Cluster names stop resolving in this pod: `<service>.<namespace>.svc.cluster.local`, short service names and pod names of headless services. Without kube-proxy the service cluster IPs were out of reach anyway.",
                "To reach workloads in the cluster from such a pod, expose them through an internal load balancer Service (annotation `service.beta.kubernetes.io/azure-load-balancer-internal: \"true\"`) and publish its name in an Azure Private DNS zone linked to the VNet with external-dns; the virtual-nodes scale guidance recommends this when kube-proxy is off.",
                "Azure services behind private endpoints keep working under their usual FQDN as long as the matching `privatelink` Private DNS zone is linked to the VNet.",
                "Container instances don't use the VNet's custom DNS servers: names that only your own DNS servers know (on-premises zones, for example) need an Azure Private DNS zone or a DNS Private Resolver forwarding ruleset linked to the VNet. Test such names after the change.",
                "If `kubectl exec` into a Confidential pod is refused by its policy, check with a non-confidential test pod that has `injectkubeproxy: \"false\"`: it gets the same DNS set-up.",
            ],
            sources: &[VN_TROUBLESHOOTING, VN_POD_INJECTDNS, VN_POD_KUBEPROXY, VN_NODE_KUBEPROXY, VN_POD_ANNOTATIONS, VN_POD_CONFIDENTIAL, VN_HIGH_SCALE, K8S_VIRTUAL_IPS, RESOLV_CONF, K8S_DEPLOYMENT, AKS_ILB, EXTERNAL_DNS_AZURE_PRIVATE, PRIVATE_ENDPOINT_DNS, ACI_VNET, DNS_RESOLVER_RULESETS],
        }),
        Node::Outcome(Outcome {
            id: "cluster-services",
            title: "Cluster services are out of reach without kube-proxy",
            observation: "Only calls to Kubernetes services fail (service names, `*.svc.cluster.local` or service cluster IPs), and the pod is Confidential, runs without kube-proxy, or has DNS injection turned off.",
            cause: "Service cluster IPs, the cluster DNS included, are virtual addresses that kube-proxy's rules translate to pod addresses. A virtual-node pod without the kube-proxy sidecar has no such rules, so it can neither resolve cluster names through the cluster DNS nor connect to cluster IPs. With DNS injection off, it asks the ACI DNS, which doesn't know cluster names at all. This is how these pods are built, not a fault.",
            fix: &[
                Step {
                    text: "A non-confidential pod that needs cluster services can keep kube-proxy: remove `injectkubeproxy: \"false\"` (and `injectdns: \"false\"`) from its annotations. The Helm value `kubeProxy.enabled: false` overrides the pod, so check it too.",
                    run: Some(HELM_KUBEPROXY),
                },
                Step {
                    text: "A Confidential pod never gets kube-proxy (and pods you keep without it): expose the target workload through an internal load balancer, whose address is a real VNet IP, and let external-dns publish its name in an Azure Private DNS zone linked to the VNet.",
                    run: Some(r#"apiVersion: v1
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
    targetPort: 8080"#),
                },
                Step {
                    text: "Call the target by that name from the pod, and keep `injectdns: \"false\"` on kube-proxy-less pods so other lookups don't wait for the unreachable cluster DNS.",
                    run: None,
                },
            ],
            verify: &[
                Step {
                    text: "The Service has a private VNet address in EXTERNAL-IP.",
                    run: Some("kubectl get service <service> --namespace <service-namespace>"),
                },
                Step {
                    text: "The pod resolves the published name to that address and gets an answer.",
                    run: Some("kubectl exec <pod> --namespace <namespace> -- getent hosts <service>.<private-zone>\nkubectl exec <pod> --namespace <namespace> -- curl -sS -o /dev/null -w 'http=%{http_code} total=%{time_total}s\\n' http://<service>.<private-zone>/"),
                },
            ],
            caveats: &[
                "The Helm value applies to every pod of that virtual node; changing it means a Helm upgrade of the virtual node.",
                "external-dns needs permission to write to the Private DNS zone; its Azure Private DNS tutorial shows the set-up.",
            ],
            sources: &[K8S_VIRTUAL_IPS, VN_TROUBLESHOOTING, VN_POD_KUBEPROXY, VN_POD_INJECTDNS, VN_NODE_KUBEPROXY, VN_HIGH_SCALE, AKS_ILB, EXTERNAL_DNS_AZURE_PRIVATE],
        }),
        Node::Outcome(Outcome {
            id: "short-names",
            title: "Short service names aren't expanded to cluster names",
            observation: "`<service>.<namespace>.svc.cluster.local` resolves from the pod, but the short name doesn't; `/etc/resolv.conf` has no `search` line with the cluster domains.",
            cause: "Kubernetes completes short names through the `search` list it writes into each pod's `/etc/resolv.conf`. Users of the v1 add-on (the virtual-kubelet ACI provider) reported pods created without that list, so only fully qualified names resolve.",
            fix: &[
                Step {
                    text: "Use fully qualified service names, `<service>.<service-namespace>.svc.cluster.local`, in the pod's configuration.",
                    run: None,
                },
                Step {
                    text: "Or add the search list with `dnsConfig`, and check that it arrived: on the v1 add-on it was reported to be applied unreliably.",
                    run: Some(r#"spec:
  dnsConfig:
    searches:
    - <namespace>.svc.cluster.local
    - svc.cluster.local
    - cluster.local"#),
                },
                Step {
                    text: "For a lasting fix, move the workload to virtual nodes v2, a reimplementation that stays closer to standard Kubernetes behaviour.",
                    run: None,
                },
            ],
            verify: &[
                Step {
                    text: "The name the application uses resolves from the pod.",
                    run: Some("kubectl exec <pod> --namespace <namespace> -- getent hosts <name-the-app-uses>"),
                },
                Step {
                    text: "With `dnsConfig`, the `search` line is present.",
                    run: Some(RESOLV),
                },
            ],
            caveats: &[
                "Pods without kube-proxy (Confidential, or `injectkubeproxy: \"false\"`) can't use cluster names at all; see the cluster-services result instead.",
            ],
            sources: &[K8S_DNS, VK_SEARCH_ISSUE, ACI_SEARCH_ISSUE, ACI_DNSCONFIG_ISSUE, VN],
        }),
        Node::Outcome(Outcome {
            id: "v1-limits",
            title: "The v1 virtual-nodes add-on doesn't support this network design",
            observation: "The pods run on the v1 add-on (`virtual-node-aci-linux`) and the failing traffic depends on VNet peering, NSG rules for internet egress, or Kubernetes network policies.",
            cause: "Microsoft lists VNet peering, Kubernetes network policies and internet egress controlled by network security groups as unsupported for the v1 add-on, so traffic that depends on them doesn't behave as designed.",
            fix: &[
                Step {
                    text: "Move the workloads to virtual nodes v2, which supports VNet peering and NSG-controlled egress. Prepare the cluster as its README describes, then install the chart.",
                    run: Some("git clone https://github.com/microsoft/virtualnodesOnAzureContainerInstances\nhelm install <release> ./virtualnodesOnAzureContainerInstances/Helm/virtualnode"),
                },
                Step {
                    text: "Until then, run the affected workloads on regular node pools.",
                    run: None,
                },
                Step {
                    text: "Kubernetes network policies aren't enforced on v2 virtual-node pods either (listed as possible in the future): filter their traffic with NSG rules on the ACI subnet.",
                    run: None,
                },
            ],
            verify: &[
                Step {
                    text: "A v2 node is ready and the pods run on it.",
                    run: Some("kubectl get nodes --label-columns virtualization\nkubectl get pod <pod> --namespace <namespace> --output wide"),
                },
                Step {
                    text: "Time the failing call again.",
                    run: Some(TIMED_CALL),
                },
            ],
            caveats: &[
                "Virtual nodes v2 need their own subnet set-up, including a NAT gateway on the ACI subnet for outbound calls.",
            ],
            sources: &[AKS_VN1, VN_README_LIMITS, AKS_VN2, VN_README_HELM, VN_README_VNET],
        }),
        Node::Outcome(Outcome {
            id: "forced-tunnel",
            title: "A route sends internet traffic past the NAT gateway",
            observation: "The ACI subnet's route table has a `0.0.0.0/0` route to a virtual appliance (such as Azure Firewall) or to a VPN or ExpressRoute gateway.",
            cause: "A user-defined route like this takes precedence over the NAT gateway, so the pods' outbound traffic goes to the firewall, appliance or on-premises network. If that device doesn't allow the destination, is overloaded or has no way back, calls are slow or fail.",
            fix: &[
                Step {
                    text: "If the traffic must be inspected, allow on the firewall the destinations the pods need, including the AKS API server endpoint, which virtual-node pods must reach to set up their networking.",
                    run: Some("az aks show --resource-group <aks-rg> --name <cluster> --query fqdn --output tsv"),
                },
                Step {
                    text: "If the NAT gateway should carry internet traffic, remove the `0.0.0.0/0` route from the subnet's route table (after checking that nothing else in the subnet depends on it).",
                    run: Some("az network route-table route delete --resource-group <rt-rg> --route-table-name <route-table> --name <route>"),
                },
            ],
            verify: &[
                Step {
                    text: "The routes are as intended.",
                    run: Some("az network route-table route list --resource-group <rt-rg> --route-table-name <route-table> --output table"),
                },
                Step {
                    text: "The outside world sees the expected source address: the NAT gateway's IP, or the firewall's if traffic stays tunnelled.",
                    run: Some(EGRESS_IP),
                },
                Step {
                    text: "Time the failing call again.",
                    run: Some(TIMED_CALL),
                },
            ],
            caveats: &[
                "Routes apply to everything in the subnet; agree the change with whoever owns the network design.",
            ],
            sources: &[NAT_OVERVIEW, NAT_TROUBLESHOOT, UDR_OVERVIEW, AKS_VN1, ACI_VNET],
        }),
        Node::Outcome(Outcome {
            id: "nsg-deny",
            title: "A network security group blocks the outbound traffic",
            observation: "The NSG on the ACI subnet has an outbound `Deny` rule that matches the failing destination or port (or the `Internet` service tag) before any rule that allows it.",
            cause: "NSG rules are evaluated by priority and the first match decides, so the deny rule drops the pods' traffic to that destination.",
            fix: &[
                Step {
                    text: "Add an allow rule with a lower priority number than the deny rule, limited to the destination and port the pods need (a service tag such as `Storage` or `AzureCloud` works as destination too).",
                    run: Some("az network nsg rule create --resource-group <nsg-rg> --nsg-name <nsg> --name allow-<destination> --priority <number-below-the-deny> --direction Outbound --access Allow --protocol Tcp --source-address-prefixes <aci-subnet-prefix> --destination-address-prefixes <destination> --destination-port-ranges 443"),
                },
                Step {
                    text: "Or narrow the deny rule so that it no longer matches this traffic.",
                    run: None,
                },
            ],
            verify: &[
                Step {
                    text: "The allow rule now comes before the deny rule.",
                    run: Some("az network nsg rule list --resource-group <nsg-rg> --nsg-name <nsg> --include-default --query \"[?direction=='Outbound'] | sort_by(@, &priority)\" --output table"),
                },
                Step {
                    text: "Time the failing call again.",
                    run: Some(TIMED_CALL),
                },
            ],
            caveats: &[
                "On the v1 add-on, internet egress controlled by NSG rules isn't supported at all (see the v1 result).",
                "If the pods use your own DNS servers, the NSG must let DNS through to them as well (port 53, UDP and TCP).",
            ],
            sources: &[NSG_OVERVIEW, NAT_TROUBLESHOOT, AKS_VN2, AKS_VN1, ACI_VNET],
        }),
        Node::Outcome(Outcome {
            id: "snat-exhaustion",
            title: "The NAT gateway runs out of SNAT ports or connections",
            observation: "Calls fail under load, when many connections open at once, and the NAT gateway's SNAT connection count shows failed connections.",
            cause: "Each outbound connection takes a port on one of the NAT gateway's public IPs. An IP offers 64,512 ports and up to 50,000 simultaneous connections to one destination. Clients that open a new connection per request, or hold many idle ones, use them up, and new connections fail until ports are free again.",
            fix: &[
                Step {
                    text: "Reuse connections in the application (one shared HTTP client, keep-alive, connection pools) instead of opening one per request. This is the lasting fix.",
                    run: None,
                },
                Step {
                    text: "Add public IPs to the NAT gateway (up to 16) to multiply the ports.",
                    run: Some("az network public-ip create --resource-group <rg> --name aci-nat-ip-2 --sku standard --allocation static\naz network nat gateway update --resource-group <rg> --name <nat-gateway> --public-ip-addresses aci-nat-ip aci-nat-ip-2"),
                },
                Step {
                    text: "Reach Azure PaaS services through Private Link, which doesn't use NAT gateway ports.",
                    run: None,
                },
                Step {
                    text: "Keep the TCP idle timeout low (4 minutes is the minimum and the default): a long timeout holds ports longer.",
                    run: Some("az network nat gateway update --resource-group <rg> --name <nat-gateway> --idle-timeout 4"),
                },
            ],
            verify: &[
                Step {
                    text: "Failed SNAT connections stay at zero under the same load (bash).",
                    run: Some("NATGW=$(az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query natGateway.id --output tsv)\naz monitor metrics list --resource \"$NATGW\" --metric SNATConnectionCount --filter \"ConnectionState eq 'Failed'\" --aggregation Total --interval PT1M --output table"),
                },
            ],
            caveats: &[
                "Every public IP of the NAT gateway can be the source of a call: add new ones to the allow-lists that list the first.",
                "More IPs only postpone exhaustion if the application keeps opening new connections.",
            ],
            sources: &[NAT_TROUBLESHOOT, NAT_METRICS, NAT_OVERVIEW],
        }),
        Node::Outcome(Outcome {
            id: "idle-timeout",
            title: "Idle connections are dropped at the NAT gateway's idle timeout",
            observation: "Long-lived connections (database pools, message brokers, HTTP keep-alive) fail on first use after minutes of silence, often with a connection reset, while new connections work.",
            cause: "A NAT gateway forgets a TCP connection that was idle longer than its idle timeout (4 minutes by default, up to 120) and answers later packets on it with a reset. UDP flows expire after a fixed 4 minutes.",
            fix: &[
                Step {
                    text: "Turn on TCP keepalives, or keepalives of the application protocol, with an interval below the idle timeout. For TCP one side is enough; for UDP send them in both directions.",
                    run: None,
                },
                Step {
                    text: "As a last resort, raise the TCP idle timeout (in minutes).",
                    run: Some("az network nat gateway update --resource-group <rg> --name <nat-gateway> --idle-timeout 10"),
                },
            ],
            verify: &[
                Step {
                    text: "Check the timeout in force.",
                    run: Some("az network nat gateway show --resource-group <rg> --name <nat-gateway> --query idleTimeoutInMinutes"),
                },
                Step {
                    text: "Leave the application idle for longer than the timeout, then call again: the first call succeeds.",
                    run: None,
                },
            ],
            caveats: &[
                "A longer idle timeout keeps ports busy longer and can lead to SNAT port exhaustion under load.",
            ],
            sources: &[NAT_OVERVIEW, NAT_RESOURCE, NAT_TROUBLESHOOT],
        }),
        Node::Outcome(Outcome {
            id: "port-25",
            title: "Outbound port 25 isn't supported from container groups in a VNet",
            observation: "Only connections to port 25 (SMTP) fail; other ports work.",
            cause: "Container groups in a virtual network can't open outbound connections to port 25 (nor to port 19390). It is a platform limit, not something in your network.",
            fix: &[
                Step {
                    text: "Send mail through your provider's submission port, 587 (or 465 with implicit TLS), or through an email service with an HTTPS API.",
                    run: None,
                },
            ],
            verify: &[
                Step {
                    text: "A TCP connection to the submission port succeeds (curl prints `Connected to`; stop it with Ctrl+C).",
                    run: Some("kubectl exec -it <pod> --namespace <namespace> -- curl -v --max-time 10 telnet://<smtp-host>:587"),
                },
            ],
            caveats: &[],
            sources: &[ACI_VNET, RFC_SUBMISSION],
        }),
        Node::Outcome(Outcome {
            id: "destination-rejects",
            title: "The destination rejects or throttles the calls",
            observation: "Lookups and connections are quick, but the destination answers slowly or with errors (403, 429, resets after connecting), or only one destination fails while others work.",
            cause: "The other side filters by source address or limits request rates. Calls from virtual-node pods arrive from the NAT gateway's public IP, which the destination may not have on its allow-list, for example after the NAT gateway was added or replaced.",
            fix: &[
                Step {
                    text: "Find the public source addresses of the pods and have them allow-listed at the destination (bash).",
                    run: Some("for id in $(az network nat gateway show --resource-group <rg> --name <nat-gateway> --query \"publicIpAddresses[].id\" --output tsv); do\n  az network public-ip show --ids \"$id\" --query ipAddress --output tsv\ndone"),
                },
                Step {
                    text: "If errors grow with the request rate, lower the rate or ask the provider about its limits.",
                    run: None,
                },
            ],
            verify: &[
                Step {
                    text: "The call returns the expected status in reasonable time.",
                    run: Some(TIMED_CALL),
                },
            ],
            caveats: &[
                "Calls to Azure services through private endpoints or service endpoints use private addresses, not the NAT gateway's IP.",
            ],
            sources: &[NAT_TROUBLESHOOT, ACI_NAT],
        }),
        Node::Outcome(Outcome {
            id: "custom-dns",
            title: "The pod's DNS servers can't answer the names it needs",
            observation: "Lookups are slow or fail while calls by IP work: the pod asks your own DNS servers, or asks Azure-provided DNS for names that only your own DNS servers know.",
            cause: "Either the custom DNS servers are slow or hard to reach from the ACI subnet (an NSG or firewall in the way, a troubled peering or VPN, slow forwarding), or the names can't be found where the pod asks: container instances don't take DNS settings from their VNet, so with Kubernetes DNS injection off a pod asks Azure-provided DNS, which knows public names and Azure Private DNS zones linked to the VNet but not names kept only on your own servers.",
            fix: &[
                Step {
                    text: "See which servers the VNet hands out and which the pod uses.",
                    run: Some("az network vnet show --resource-group <vnet-rg> --name <vnet> --query dhcpOptions.dnsServers\nkubectl exec <pod> --namespace <namespace> -- cat /etc/resolv.conf"),
                },
                Step {
                    text: "Custom servers: make each of them reachable from the ACI subnet on port 53, UDP and TCP (NSG rules, routes, peering), and check that it answers quickly.",
                    run: Some("kubectl exec <pod> --namespace <namespace> -- sh -c 'time nslookup <name> <dns-server-ip>'"),
                },
                Step {
                    text: "Names only your own servers know: publish them where Azure-provided DNS finds them, in an Azure Private DNS zone linked to the VNet, or forward their domains to your servers with a DNS Private Resolver forwarding ruleset linked to the VNet.",
                    run: Some("az network private-dns link vnet create --resource-group <rg> --zone-name <zone> --name <link-name> --virtual-network <vnet-id> --registration-enabled false"),
                },
            ],
            verify: &[
                Step {
                    text: "Private and public names both resolve quickly from the pod.",
                    run: Some("kubectl exec <pod> --namespace <namespace> -- sh -c 'time getent hosts <private-name>; time getent hosts mcr.microsoft.com'"),
                },
            ],
            caveats: &[
                "`nslookup` and `getent` may be missing from the application image; the test pod (`mcr.microsoft.com/azure-cli`) or the curl timing (`dns=`) work instead.",
            ],
            sources: &[ACI_VNET, ACI_CUSTOM_DNS, PRIVATE_DNS, DNS_RESOLVER_RULESETS, NSG_OVERVIEW, RESOLV_CONF],
        }),
        Node::Outcome(Outcome {
            id: "cluster-dns-slow",
            title: "The cluster DNS itself is slow or unreachable",
            observation: "The pod has kube-proxy and uses the cluster DNS service IP, and lookups from it are slow or fail.",
            cause: "Lookups from this pod go through CoreDNS like any other pod's, so the delay lies in CoreDNS, in the upstream servers it forwards to, or in reaching the cluster DNS IP from the virtual node. Users of the v1 add-on reported pods that couldn't reach the cluster DNS IP at all and fell back to the next nameserver after a timeout.",
            fix: &[
                Step {
                    text: "Compare with a pod on a regular node. If lookups are slow there too, troubleshoot CoreDNS.",
                    run: Some("kubectl run dnstest --image=registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3 --restart=Never --command -- sleep 3600\nkubectl exec dnstest -- sh -c 'time nslookup mcr.microsoft.com'"),
                },
                Step {
                    text: "Check the CoreDNS pods and their logs.",
                    run: Some("kubectl get pods --namespace kube-system --selector k8s-app=kube-dns\nkubectl logs --namespace kube-system --selector k8s-app=kube-dns --tail=100"),
                },
                Step {
                    text: "If only virtual-node pods are slow, ask the cluster DNS IP directly from the pod. No answer means the pod can't reach it: treat it like the DNS-injection case and consider `injectdns: \"false\"`.",
                    run: Some("kubectl exec <pod> --namespace <namespace> -- nslookup kubernetes.default.svc.cluster.local <cluster-dns-ip>"),
                },
            ],
            verify: &[
                Step {
                    text: "Lookups take well under a second from both pods.",
                    run: Some("kubectl exec <pod> --namespace <namespace> -- curl -sS -o /dev/null -w 'dns=%{time_namelookup}s\\n' https://mcr.microsoft.com/"),
                },
            ],
            caveats: &[
                "Delete the test pod afterwards: `kubectl delete pod dnstest`.",
            ],
            sources: &[K8S_DNS_DEBUG, AKS_COREDNS, ACI_CLUSTER_DNS_ISSUE, VN_POD_INJECTDNS],
        }),
        Node::Outcome(Outcome {
            id: "subnet-delegation",
            title: "The ACI subnet isn't delegated to Azure Container Instances",
            observation: "The subnet for virtual-node pods has no delegation to `Microsoft.ContainerInstance/containerGroups`, or it holds other resources.",
            cause: "Azure Container Instances deploys container groups only into a subnet delegated to it, and a delegated subnet can hold nothing but container groups. Virtual nodes v2 also look for it under the name in the Helm value `aciSubnetName` (default `cg`).",
            fix: &[
                Step {
                    text: "Delegate the subnet (it must not contain other resources).",
                    run: Some("az network vnet subnet update --resource-group <vnet-rg> --vnet-name <vnet> --name cg --delegations Microsoft.ContainerInstance/containerGroups"),
                },
                Step {
                    text: "If other resources must stay in it, create a new delegated subnet and point virtual nodes at it: the Helm value `aciSubnetName`, or per pod the annotation `microsoft.containerinstance.virtualnode.subnets.primary` with the subnet's resource ID. Attach the NAT gateway to the new subnet too.",
                    run: Some("az network vnet subnet create --resource-group <vnet-rg> --vnet-name <vnet> --name cg2 --address-prefixes <prefix> --delegations Microsoft.ContainerInstance/containerGroups --nat-gateway <nat-gateway>"),
                },
            ],
            verify: &[
                Step {
                    text: "The delegation is in place (prints `Microsoft.ContainerInstance/containerGroups`).",
                    run: Some("az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --query \"delegations[].serviceName\" --output tsv"),
                },
                Step {
                    text: "A re-created pod starts.",
                    run: Some("kubectl get pod <pod> --namespace <namespace> --watch"),
                },
            ],
            caveats: &[],
            sources: &[ACI_VNET, VN_README_VNET, VN_NODE_SUBNETS, VN_POD_SUBNETS],
        }),
        Node::Outcome(Outcome {
            id: "subnet-full",
            title: "The ACI subnet is too small for the pods",
            observation: "New pods on the virtual node don't start while older ones run, and the number of virtual-node pods is close to the usable addresses of the ACI subnet.",
            cause: "Every virtual-node pod gets its own address from the ACI subnet, and Azure keeps 5 addresses of every subnet. When the subnet is full, new pods get no address. The virtual-nodes guide recommends a /16 for the `cg` subnet.",
            fix: &[
                Step {
                    text: "Add a delegated subnet with the NAT gateway attached and list it in the Helm value `aciSubnetName`: virtual nodes v2 accept several subnets, comma-separated, and each virtual-node replica takes the least used one as its default.",
                    run: Some("az network vnet subnet create --resource-group <vnet-rg> --vnet-name <vnet> --name cg2 --address-prefixes <prefix> --delegations Microsoft.ContainerInstance/containerGroups --nat-gateway <nat-gateway>\nhelm upgrade <release> <chart-path> --namespace <vn-namespace> --reuse-values --set aciSubnetName='cg\\,cg2'"),
                },
                Step {
                    text: "Or move workloads that don't need virtual nodes to regular node pools.",
                    run: None,
                },
            ],
            verify: &[
                Step {
                    text: "The Helm values list both subnets, and new pods start.",
                    run: Some("helm get values <release> --namespace <vn-namespace> --all | grep aciSubnetName\nkubectl get pods --namespace <namespace> --output wide"),
                },
            ],
            caveats: &[
                "The subnet is chosen per virtual-node replica, not per pod: to use several subnets at once, run several replicas (Helm value `replicaCount`), or send pods to a subnet with the `microsoft.containerinstance.virtualnode.subnets.primary` annotation.",
            ],
            sources: &[VN_README_VNET, AKS_VN1_CLI, VNET_RESERVED_IPS, VN_NODE_SUBNETS, VN_POD_SUBNETS],
        }),
        Node::Outcome(Outcome {
            id: "support",
            title: "No known cause matched: collect data and open a support case",
            observation: "None of the common causes this guide checks fits the answers so far.",
            cause: "The problem lies outside these checks: in the platform, at the destination, or in something particular to your network. A support engineer needs the data below to take it further.",
            fix: &[
                Step {
                    text: "Record a failing call with its timings and the time in UTC.",
                    run: Some("date -u\nkubectl exec <pod> --namespace <namespace> -- curl -sS -o /dev/null -v --max-time 30 -w 'dns=%{time_namelookup}s connect=%{time_connect}s tls=%{time_appconnect}s total=%{time_total}s http=%{http_code}\\n' https://<host>/"),
                },
                Step {
                    text: "Save the pod's definition, events and resolver configuration.",
                    run: Some("kubectl get pod <pod> --namespace <namespace> --output yaml > pod.yaml\nkubectl describe pod <pod> --namespace <namespace> > pod-describe.txt\nkubectl exec <pod> --namespace <namespace> -- cat /etc/resolv.conf > resolv.conf"),
                },
                Step {
                    text: "Save the network set-up of the ACI subnet and the virtual-node version.",
                    run: Some("az network vnet subnet show --resource-group <vnet-rg> --vnet-name <vnet> --name cg --output json > subnet.json\nkubectl get nodes --output wide > nodes.txt\nhelm list --all-namespaces > helm-releases.txt"),
                },
                Step {
                    text: "Copy this summary as Markdown and open a support request in the Azure portal with the files attached. Bugs in virtual nodes v2 itself can also be reported as GitHub issues of the project.",
                    run: None,
                },
            ],
            verify: &[
                Step {
                    text: "The request states the time window in UTC, the pod and namespace, the subnet and NAT gateway resource IDs, and the timed output of a failing call.",
                    run: None,
                },
            ],
            caveats: &[
                "Remove secrets (tokens, connection strings) from `pod.yaml` before sharing it.",
            ],
            sources: &[AZURE_SUPPORT, VN_SUPPORT, NAT_TROUBLESHOOT, CURL_WRITE_OUT],
        }),
    ],
};
