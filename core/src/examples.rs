//! Example texts: the two public seed examples from the virtual-nodes troubleshooting guide,
//! and a `kubectl describe pod` paste that holds both (used by "Try an example").

/// Seed example 1 as it appears in the event text (the guest dropped `input` to fit 3 KiB).
pub const SEED_CREATE_CONTAINER: &str = "failed to create containerd task: failed to create shim task: failed to create container 18197025abfacf6365ef65d083687e1d9f03b9792779e15796247a7281043065: guest RPC failure: container creation denied due to policy: policyDecision< eyJkZWNpc2lvbiI6ImRlbnkiLCJyZWFzb24iOnsiZXJyb3JzIjpbImludmFsaWQgY29tbWFuZCJdfSwidHJ1bmNhdGVkIjpbImlucHV0Il19 >policyDecision: unknown";

/// Seed example 2 (a layer whose dm-verity hash is not in the policy), in a mount wrapper.
pub const SEED_MOUNT_DEVICE: &str = "failed to create containerd task: failed to create shim task: failed to mount container storage: failed to add LCOW layer: failed to add SCSI layer: mount scsi controller 0 lun 9 at /run/mounts/m9: guest modify: guest RPC failure: mounting scsi device controller 0 lun 9 onto /run/mounts/m9 denied by policy: policyDecision< eyJkZWNpc2lvbiI6ImRlbnkiLCJpbnB1dCI6eyJkZXZpY2VIYXNoIjoiZGVhYjk0OTVlNGEzYzI0NWUzYmU2NzVhMzUwZDBlN2E5ZmU2ZGNkYzk1YTczNTgyZjg1ODZkZDc1OWNhN2EwYiIsInJ1bGUiOiJtb3VudF9kZXZpY2UiLCJ0YXJnZXQiOiIvcnVuL21vdW50cy9tOSJ9LCJyZWFzb24iOnsiZXJyb3JzIjpbImRldmljZUhhc2ggbm90IGZvdW5kIl19fQ== >policyDecision: unknown";

/// What "Try an example" fills in: the Events table of `kubectl describe pod`.
pub fn describe_pod_example() -> String {
    format!(
        "Name:             web-7d4b9c6f5-x2xkq
Namespace:        shop
Node:             virtualnode2-0/
Annotations:      microsoft.containerinstance.virtualnode.ccepolicy: cGFja2FnZSBwb2xpY3k...
Status:           Pending
Events:
  Type     Reason     Age                From     Message
  ----     ------     ----               ----     -------
  Normal   Scheduled  2m                 default-scheduler  Successfully assigned shop/web-7d4b9c6f5-x2xkq to virtualnode2-0
  Normal   Pulled     2m                 kubelet  Container image \"myregistry.azurecr.io/web:latest\" already present on machine
  Warning  Failed     2m                 kubelet  Error: {SEED_MOUNT_DEVICE}
  Warning  Failed     90s (x3 over 2m)   kubelet  Error: {SEED_CREATE_CONTAINER}
  Warning  Failed     30s                kubelet  Error: {SEED_CREATE_CONTAINER}
"
    )
}
