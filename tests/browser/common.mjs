// What the browser tests share: the repository's paths, the warraq binary, Chromium launched as
// the brief says, and a static server for a built site (Arabic paths decoded, folders served by
// their index.html, nothing outside the root).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, cpSync, mkdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, extname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..');
export const artifacts = join(here, 'artifacts');
export const binary = process.env.WARRAQ_BIN || join(repo, 'target', 'debug', 'warraq');

/** Headless Debian Chromium. */
export function launch() {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.xml': 'application/xml', '.js': 'text/javascript',
  '.json': 'application/json', '.txt': 'text/plain; charset=utf-8',
  '.webp': 'image/webp', '.jpg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.svg': 'image/svg+xml',
};

/** Copies fixture `name` (or, for 'example', the repository's example archive) to a temporary folder, builds it, and serves its public/ on 127.0.0.1:
 * returns {server, base}. */
export async function buildAndServe(name) {
  const site = mkdtempSync(join(tmpdir(), `warraq-${name}-`));
  if (name === 'example') {
    // The repository's own example archive (its sources only: no public/, no cache).
    for (const part of ['site.yaml', 'content', 'static', 'templates', 'series', 'data']) {
      if (existsSync(join(repo, part))) cpSync(join(repo, part), join(site, part), { recursive: true });
    }
  } else {
    cpSync(join(repo, 'tests', 'fixtures', name), site, { recursive: true });
  }
  execFileSync(binary, ['build', '--root', site], { stdio: 'inherit' });
  const root = join(site, 'public');
  const server = http.createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(root, path));
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404); res.end('not found'); return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, base: `http://127.0.0.1:${server.address().port}`, root };
}
