// The three benchmark pastes: `kubectl describe pod` output of many pods on a virtual node, with
// policyDecision blobs in their Events tables. Deterministic (seeded), so every run and both
// benchmark pages see the same bytes.
//
//   node tools/bench/gen.mjs 10mb            # one paste to stdout (100kb, 1mb or 10mb)
//   node tools/bench/gen.mjs --out DIR       # all three, plus DIR/manifest.json
//
// Each paste has `blobs` blob occurrences drawn from a small set of distinct decisions (varied
// enforcement points, error messages, with and without `input`), each always behind the same
// guest wrapper, so the app and the plain page agree on the number of distinct findings. The rest
// is filler: pod headers, containers, conditions and ordinary events (no policy wording).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The benchmark cases: size in bytes (decimal MB), blob occurrences, distinct decisions. */
export const CASES = [
  { name: '100kb', label: '100 KB', bytes: 100_000, blobs: 1, distinct: 1 },
  { name: '1mb', label: '1 MB', bytes: 1_000_000, blobs: 100, distinct: 8 },
  { name: '10mb', label: '10 MB', bytes: 10_000_000, blobs: 1000, distinct: 12 },
];

/** mulberry32: a small seeded PRNG. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON as Go's encoding/json writes it (the guest's encoder): sorted keys, <>& escaped. */
function goJson(v) {
  const sort = (x) => (Array.isArray(x) ? x.map(sort)
    : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort(x[k])])) : x);
  return JSON.stringify(sort(v)).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}
const b64 = (v) => Buffer.from(goJson(v)).toString('base64');

const hex = (r, n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
const pick = (r, xs) => xs[Math.floor(r() * xs.length)];

const ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=web-7d4b9c6f5-x2xkq',
  'KUBERNETES_SERVICE_HOST=10.0.0.1', 'KUBERNETES_SERVICE_PORT=443', 'KUBERNETES_PORT=tcp://10.0.0.1:443',
  'KUBERNETES_PORT_443_TCP_ADDR=10.0.0.1', 'KUBERNETES_PORT_443_TCP_PROTO=tcp', 'TERM=xterm',
  'APP_IDENTITY_ENDPOINT=<<redacted>>', 'IDENTITY_ENDPOINT=<<redacted>>', 'IDENTITY_HEADER=<<redacted>>',
  'IDENTITY_SERVER_THUMBPRINT=<<redacted>>', 'Fabric_Id=<<redacted>>', 'LANG=C.UTF-8', 'PYTHONUNBUFFERED=1'];
const MOUNTS = (ns) => [
  { destination: '/etc/hosts', options: ['rbind', 'rprivate', 'rw'], source: `sandbox:///tmp/atlas/emptydir/${ns}/hosts`, type: 'bind' },
  { destination: '/dev/termination-log', options: ['rbind', 'rprivate', 'rw'], source: `sandbox:///tmp/atlas/emptydir/${ns}/termination-log`, type: 'bind' },
  { destination: '/etc/hostname', options: ['rbind', 'rprivate', 'rw'], source: `sandbox:///tmp/atlas/emptydir/${ns}/hostname`, type: 'bind' },
  { destination: '/var/run/secrets/kubernetes.io/serviceaccount', options: ['rbind', 'rprivate', 'ro'], source: 'sandbox:///tmp/atlas/azureFileVolume/.+', type: 'bind' },
];
const CREATE = 'container creation denied due to policy';

/** The distinct decisions, each with the guest wrapper it always appears behind. */
function decisions() {
  const r = rng(7);
  const cid = () => hex(r, 64);
  const createInput = (extra) => ({
    argList: ['/bin/sh', '-c', 'python /app/server.py --port 8080 --workers 4'], containerID: cid(),
    envList: ENV, mounts: MOUNTS('web'), rule: 'create_container', workingDir: '/app', ...extra,
  });
  const ds = [
    { // seed example 1: input dropped to fit the 3 KiB limit; the rule comes from the wrapper
      wrap: () => `failed to create container ${cid()}: guest RPC failure: ${CREATE}`,
      json: { decision: 'deny', reason: { errors: ['invalid command'] }, truncated: ['input'] } },
    { wrap: () => 'failed to mount container storage: failed to add LCOW layer: failed to add SCSI layer: mount scsi controller 0 lun 9 at /run/mounts/m9: guest modify: guest RPC failure: mounting scsi device controller 0 lun 9 onto /run/mounts/m9 denied by policy',
      json: { decision: 'deny', input: { deviceHash: hex(r, 64), rule: 'mount_device', target: '/run/mounts/m9' }, reason: { errors: ['deviceHash not found'] } } },
    { wrap: () => `failed to create container ${cid()}: guest RPC failure: ${CREATE}`,
      json: { decision: 'deny', input: createInput({}), reason: { errors: ['invalid env list: APP_IDENTITY_ENDPOINT,IDENTITY_ENDPOINT,IDENTITY_HEADER,IDENTITY_SERVER_THUMBPRINT'] } } },
    { wrap: () => `failed to create container ${cid()}: guest RPC failure: ${CREATE}`,
      json: { decision: 'deny', input: createInput({ workingDir: '/srv/app' }), reason: { errors: ['invalid working directory'] } } },
    { wrap: () => 'failed to mount container storage: guest RPC failure: overlay creation denied by policy',
      json: { decision: 'deny', input: { containerID: cid(), layerPaths: ['/run/layers/p0-l0', '/run/layers/p0-l1', '/run/layers/p0-l2', '/run/layers/p0-l3'], rule: 'mount_overlay', target: `/run/gcs/c/${cid()}/rootfs` }, reason: { errors: ['no matching containers for overlay'] } } },
    { wrap: () => `failed to exec in container: guest RPC failure: exec in container denied due to policy`,
      json: { decision: 'deny', input: { argList: ['/bin/bash'], containerID: cid(), envList: ENV.slice(0, 8), rule: 'exec_in_container', workingDir: '/' }, reason: { errors: ['invalid command'] } } },
    { wrap: () => `failed to create container ${cid()}: guest RPC failure: ${CREATE}`,
      json: { decision: 'deny', input: createInput({ mounts: [...MOUNTS('api'), { destination: '/mnt/data', options: ['rbind', 'rprivate', 'rw'], source: 'sandbox:///tmp/atlas/azureFileVolume/data', type: 'bind' }] }), reason: { errors: ['invalid mount list: /mnt/data'] } } },
    { wrap: () => 'failed to mount container storage: guest RPC failure: mounting scsi device controller 0 lun 2 onto /run/mounts/scratch denied by policy',
      json: { decision: 'deny', input: { encrypted: false, ensureFilesystem: true, filesystem: 'ext4', rule: 'rw_mount_device', target: '/run/mounts/scratch' }, reason: { errors: ['unencrypted scratch not allowed, non-readonly mount request for SCSI disk must request encryption'] } } },
    { wrap: () => `failed to create container ${cid()}: guest RPC failure: ${CREATE}`,
      json: { decision: 'deny', input: createInput({ privileged: true }), reason: { errors: ['privileged escalation not allowed', 'capabilities don\'t match'] } } },
    { wrap: () => `failed to create container ${cid()}: guest RPC failure: ${CREATE}`,
      json: { decision: 'deny', input: createInput({ user: { group_idnames: [{ pattern: '', strategy: 'any' }], umask: '0022', user_idname: { pattern: '1000', strategy: 'id' } } }), reason: { errors: ['invalid user'] } } },
    { wrap: () => 'failed to mount container storage: failed to add LCOW layer: failed to add SCSI layer: mount scsi controller 0 lun 4 at /run/mounts/m4: guest modify: guest RPC failure: mounting scsi device controller 0 lun 4 onto /run/mounts/m4 denied by policy',
      json: { decision: 'deny', input: { deviceHash: hex(r, 64), rule: 'mount_device', target: '/run/mounts/m4' }, reason: { errors: ['deviceHash not found'] } } },
    { wrap: () => `failed to create container ${cid()}: guest RPC failure: ${CREATE}`,
      json: { decision: 'deny', reason: { errors: ['invalid env list: SECRET_TOKEN'] }, truncated: ['input'] } },
  ];
  return ds.map((d) => ({ ...d, b64: b64(d.json) }));
}

const FILLER = [
  (r, pod, img) => `Normal   Scheduled  ${age(r)}  default-scheduler  Successfully assigned ${pod.ns}/${pod.name} to virtualnode2-0`,
  (r, pod, img) => `Normal   Pulling    ${age(r)}  kubelet            Pulling image "${img}"`,
  (r, pod, img) => `Normal   Pulled     ${age(r)}  kubelet            Successfully pulled image "${img}" in ${(r() * 20).toFixed(3)}s (${(r() * 40).toFixed(3)}s including waiting)`,
  (r, pod, img) => `Normal   Created    ${age(r)}  kubelet            Created container ${pod.container}`,
  (r, pod, img) => `Normal   Started    ${age(r)}  kubelet            Started container ${pod.container}`,
  (r, pod, img) => `Warning  BackOff    ${age(r)}  kubelet            Back-off restarting failed container ${pod.container} in pod ${pod.name}_${pod.ns}(${pod.uid})`,
  (r, pod, img) => `Warning  Unhealthy  ${age(r)}  kubelet            Readiness probe failed: Get "http://10.240.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
  (r, pod, img) => `Warning  FailedMount  ${age(r)}  kubelet          MountVolume.SetUp failed for volume "config" : configmap "${pod.app}-config" not found`,
  (r, pod, img) => `Normal   Killing    ${age(r)}  kubelet            Stopping container ${pod.container}`,
  (r, pod, img) => `Warning  ProviderCreateFailed  ${age(r)}  virtual-node-aci-linux/pod-controller  ACI returned provisioning state Failed for container group ${pod.ns}-${pod.name}`,
];
function age(r) {
  const n = 1 + Math.floor(r() * 59);
  const unit = pick(r, ['s', 'm', 'm', 'h']);
  const base = `${n}${unit}`;
  return (r() < 0.3 ? `${base} (x${2 + Math.floor(r() * 30)} over ${n + 1 + Math.floor(r() * 10)}${unit})` : base).padEnd(18);
}

function podHeader(r, pod, img) {
  return `Name:             ${pod.name}
Namespace:        ${pod.ns}
Priority:         0
Service Account:  default
Node:             virtualnode2-0/
Start Time:       Mon, 23 Nov 2026 ${String(Math.floor(r() * 24)).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')}:44 +0000
Labels:           app=${pod.app}
                  pod-template-hash=${pod.hash}
Annotations:      microsoft.containerinstance.virtualnode.ccepolicy: cGFja2FnZSBwb2xpY3kKCmFwaV92ZXJzaW9uIDo9ICIwLjEwLjAiCmZyYW1ld29ya192ZXJzaW9uIDo9ICIwLjIuMyIK
Status:           Pending
IP:
IPs:              <none>
Controlled By:    ReplicaSet/${pod.app}-${pod.hash}
Containers:
  ${pod.container}:
    Container ID:
    Image:          ${img}
    Image ID:
    Port:           8080/TCP
    Host Port:      0/TCP
    State:          Waiting
      Reason:       ContainerCreating
    Ready:          False
    Restart Count:  ${Math.floor(r() * 12)}
    Limits:
      cpu:     1
      memory:  1536Mi
    Requests:
      cpu:        500m
      memory:     512Mi
    Environment:  <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-${hex(r, 5)} (ro)
Conditions:
  Type              Status
  PodScheduled      True
  Initialized       True
  Ready             False
  ContainersReady   False
Volumes:
  kube-api-access-${hex(r, 5)}:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    DownwardAPI:             true
QoS Class:                   Burstable
Node-Selectors:              kubernetes.io/role=agent
                             type=virtual-kubelet
Tolerations:                 virtual-kubelet.io/provider=azure:NoSchedule
Events:
  Type     Reason     Age                From               Message
  ----     ------     ----               ----               -------
`;
}

/**
 * Generates one paste: `bytes` long (cut at a line end, so a few hundred bytes shorter at most),
 * with `blobs` occurrences of the first `distinct` decisions.
 */
export function generate({ bytes, blobs, distinct, seed = 1 }) {
  const r = rng(seed + bytes);
  const ds = decisions().slice(0, distinct);
  // Which decision each occurrence is: every distinct one at least once, the rest skewed towards
  // the first few (a crash-looping pod repeats the same denial).
  const which = Array.from({ length: blobs }, (_, i) => (i < distinct ? i : Math.floor(distinct * r() * r())));
  const blobLines = which.map((k) => {
    const d = ds[k];
    return `Warning  Failed     ${age(r)}  kubelet            Error: failed to create containerd task: failed to create shim task: ${d.wrap()}: policyDecision< ${d.b64} >policyDecision: unknown`;
  });
  const blobBytes = blobLines.reduce((n, l) => n + l.length + 3, 0);

  // Filler pods until the size is reached; then the blobs are spread evenly over them.
  const pods = [];
  let size = 0;
  const apps = ['web', 'api', 'worker', 'cart', 'auth', 'search', 'billing', 'ingest'];
  while (size + blobBytes < bytes) {
    const app = pick(r, apps);
    const hash = hex(r, 9);
    const pod = { app, hash, name: `${app}-${hash}-${hex(r, 5)}`, ns: pick(r, ['shop', 'prod', 'staging', 'payments']), container: app, uid: `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}` };
    const img = `myregistry.azurecr.io/${app}:${1 + Math.floor(r() * 9)}.${Math.floor(r() * 20)}.${Math.floor(r() * 40)}`;
    const events = Array.from({ length: 4 + Math.floor(r() * 12) }, () => '  ' + pick(r, FILLER)(r, pod, img));
    const p = { header: podHeader(r, pod, img), events };
    size += p.header.length + events.reduce((n, l) => n + l.length + 1, 0) + 1;
    pods.push(p);
  }
  if (pods.length === 0) throw new Error('size too small for the blobs');
  blobLines.forEach((line, i) => {
    const at = Math.min(pods.length - 1, Math.floor((i * pods.length) / blobs + pods.length / (2 * blobs)));
    const ev = pods[at].events;
    ev.splice(Math.floor(r() * (ev.length + 1)), 0, '  ' + line);
  });
  let text = pods.map((p) => p.header + p.events.join('\n') + '\n').join('\n');
  if (text.length > bytes) text = text.slice(0, text.lastIndexOf('\n', bytes - 1) + 1);
  return text;
}

/** Counts what a correct decoder must find (used to check the generator). */
export function expected(text) {
  const re = /policyDecision< ([A-Za-z0-9+/=]+) >policyDecision/g;
  const all = [...text.matchAll(re)].map((m) => m[1]);
  return { blobs: all.length, distinct: new Set(all).size };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  if (args[0] === '--out') {
    const dir = args[1];
    fs.mkdirSync(dir, { recursive: true });
    const manifest = CASES.map((c) => {
      const text = generate(c);
      fs.writeFileSync(path.join(dir, `paste-${c.name}.txt`), text);
      return { ...c, file: `paste-${c.name}.txt`, actualBytes: Buffer.byteLength(text), ...expected(text) };
    });
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    for (const m of manifest) console.error(`${m.file}: ${m.actualBytes} bytes, ${m.blobs} blobs, ${m.distinct} distinct`);
  } else {
    const c = CASES.find((x) => x.name === (args[0] || '').toLowerCase());
    if (!c) {
      console.error('usage: node tools/bench/gen.mjs 100kb|1mb|10mb   |   node tools/bench/gen.mjs --out DIR');
      process.exit(2);
    }
    process.stdout.write(generate(c));
  }
}
