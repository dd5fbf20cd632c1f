// Serves the release build (dist/) on loopback and runs every *.test.mjs file here against it
// with Node's built-in test runner. Exits with the runner's status.
import { readdir, stat } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST as dist, serveDist } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

try {
  await stat(path.join(dist, 'index.html'));
} catch {
  console.error('e2e: dist/index.html is missing; run `trunk build --release` first');
  process.exit(1);
}

const server = await serveDist(dist);
const url = server.url;
console.log(`e2e: serving ${dist} at ${url}`);

const only = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
  .map((f) => path.join(here, f));

const child = spawn(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  { stdio: 'inherit', env: { ...process.env, SCALEBOARD_URL: url } },
);
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
await server.close();
process.exit(code);
