// The two compressions a static host applies: gzip at level 9 and brotli at quality 11, from
// Node's built-in zlib (nothing to install). The bench's server (tools/bench/server.mjs) serves
// them; the size budget (tools/size_budget.py) takes its brotli figures from here (Python has no
// brotli of its own) and its gzip figures from Python's reference zlib.
//
//   node tools/compress.mjs FILE...   # prints {"FILE": brotli bytes, ...} as JSON
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const gzip = (data) => zlib.gzipSync(data, { level: 9 });

export const brotli = (data) => zlib.brotliCompressSync(data, { params: {
  [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
  [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
} });

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = {};
  for (const file of process.argv.slice(2)) out[file] = brotli(fs.readFileSync(file)).length;
  console.log(JSON.stringify(out));
}
