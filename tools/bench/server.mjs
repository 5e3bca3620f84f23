// The bench's static server: dist/ (plus the plain page's files) as a static host serves them.
//
// - MIME types by extension, `.wasm` as application/wasm; `X-Content-Type-Options: nosniff`.
// - The app's Content-Security-Policy (dist/csp.txt, written by tools/postbuild.py) on every response.
// - With `compress`: brotli (quality 11) or gzip (level 9), as tools/compress.mjs defines them,
//   chosen by the request's Accept-Encoding (brotli first, as static hosts prefer it), with
//   `Vary: Accept-Encoding`. Each file is compressed once and kept in memory (`warm()` does all
//   of them up front), so compression time never counts in a load.
// - Cache-Control as public/_headers sets it (content-hashed assets immutable, the rest `no-cache`),
//   ETag and 304 for revalidation.
//
//   node tools/bench/server.mjs [--dist DIR] [--port N] [--encodings br,gzip]   # standalone, for a look
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotli, gzip } from '../compress.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.json': 'application/json', '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8' };
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.wasm', '.css', '.svg', '.json', '.webmanifest', '.txt']);
// Names with a content hash (trunk's filehash; the same rule as public/sw.js): safe to cache for a year.
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.(js|wasm|css|svg)$/;

/** Picks the encoding a static host with these `encodings` (in its order of preference) would
 * send for this Accept-Encoding header; null for none. */
function pickEncoding(accept = '', encodings) {
  const offered = new Map();
  for (const part of accept.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    offered.set(name, q ? Number(q.slice(2)) : 1);
  }
  const ok = (n) => (offered.get(n) ?? offered.get('*') ?? 0) > 0;
  return encodings.find(ok) ?? null;
}

/**
 * Starts the server on 127.0.0.1 (port 0: a free one). `extra` maps URL paths to files outside
 * dist/ (the plain page); `encodings` are the ones offered, best first ([] for none). Resolves to
 * the http.Server; `server.stats` lists the requests and counts the body bytes sent per encoding,
 * for the bench's checks.
 */
export function serve({ dist, extra = {}, encodings = ['br', 'gzip'], port = 0 }) {
  const compress = encodings.length > 0;
  const root = path.resolve(dist);
  const csp = fs.readFileSync(path.join(root, 'csp.txt'), 'utf8').trim();
  const cache = new Map(); // file -> { mtime, raw, etag, br, gzip }
  const stats = { requests: [], bytes: { br: 0, gzip: 0, identity: 0 } };
  const load = (file) => {
    const st = fs.statSync(file);
    let e = cache.get(file);
    if (!e || e.mtime !== st.mtimeMs) {
      const raw = fs.readFileSync(file);
      e = { mtime: st.mtimeMs, raw, etag: `"${crypto.createHash('sha256').update(raw).digest('base64url').slice(0, 22)}"` };
      cache.set(file, e);
    }
    return e;
  };
  const server = http.createServer((req, res) => {
    let p;
    try {
      p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (p.endsWith('/')) p += 'index.html';
    const file = extra[p] ?? path.join(root, path.normalize(p));
    if (!extra[p] && !file.startsWith(root + path.sep)) { res.writeHead(403).end(); return; }
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405).end(); return; }
    let e;
    try {
      if (!fs.statSync(file).isFile()) throw new Error('not a file');
      e = load(file);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      stats.requests.push({ path: p, status: 404 });
      return;
    }
    const ext = path.extname(file);
    const headers = {
      'Content-Type': MIME[ext] || 'application/octet-stream',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
      ETag: e.etag,
    };
    if (compress && COMPRESSIBLE.has(ext)) headers.Vary = 'Accept-Encoding';
    if (req.headers['if-none-match'] === e.etag) {
      res.writeHead(304, headers).end();
      stats.requests.push({ path: p, status: 304 });
      return;
    }
    const enc = compress && COMPRESSIBLE.has(ext) ? pickEncoding(req.headers['accept-encoding'], encodings) : null;
    let body = e.raw;
    if (enc === 'br') body = e.br ??= brotli(e.raw);
    else if (enc === 'gzip') body = e.gzip ??= gzip(e.raw);
    if (enc) headers['Content-Encoding'] = enc;
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
    stats.bytes[enc || 'identity'] += body.length;
    stats.requests.push({ path: p, status: 200, encoding: enc || 'identity', bytes: body.length,
      acceptEncoding: req.headers['accept-encoding'] || '' });
  });
  server.stats = stats;
  /** Compresses every file now, so that the first measured load does not wait for brotli. */
  server.warm = () => {
    for (const name of fs.readdirSync(root)) {
      const file = path.join(root, name);
      if (!fs.statSync(file).isFile() || !COMPRESSIBLE.has(path.extname(name))) continue;
      const e = load(file);
      if (encodings.includes('br')) e.br ??= brotli(e.raw);
      if (encodings.includes('gzip')) e.gzip ??= gzip(e.raw);
    }
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export const PLAIN_PAGE = { '/plain.html': path.join(HERE, 'plain.html'), '/plain.js': path.join(HERE, 'plain.js') };

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { opt } = await import('./cli.mjs');
  const server = await serve({ dist: opt('--dist', 'dist'), extra: PLAIN_PAGE,
    encodings: opt('--encodings', 'br,gzip').split(',').filter(Boolean), port: Number(opt('--port', 0)) });
  console.log(`serving on http://127.0.0.1:${server.address().port}/`);
}
