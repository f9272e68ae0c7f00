import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SequentialIdGenerator } from '../../platform/id-generator.ts';
import { createLogger } from '../../platform/logger.ts';
import { createHttpApp } from '../http-app.ts';
import { webAppRouter } from './web-app-router.ts';

let root: string;
const servers: Server[] = [];

async function serve(webRoot: string): Promise<string> {
  const api = Router();
  api.get('/ping', (_req, res) => void res.json({ ok: true }));
  const app = createHttpApp({
    logger: createLogger({ level: 'silent' }),
    ids: new SequentialIdGenerator('req'),
    routers: [
      { path: '/api/v1', router: api },
      { path: '/', router: webAppRouter(webRoot) },
    ],
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sb-web-'));
  await mkdir(path.join(root, 'assets'));
  await writeFile(
    path.join(root, 'index.html'),
    '<meta name="style-nonce" content="__STYLE_NONCE__"><div id="root"></div>',
  );
  await writeFile(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1);\n'.repeat(500));
  await writeFile(path.join(root, 'favicon.svg'), '<svg/>');
});

afterAll(async () => {
  for (const server of servers) server.close();
  await rm(root, { recursive: true, force: true });
});

describe('web app serving', () => {
  it('answers page paths with index.html carrying the nonce its CSP allows styles by', async () => {
    const url = await serve(root);
    const page = await fetch(`${url}/desk`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    const nonce = /content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect(csp).toContain("script-src 'self'");
    // Each load gets its own nonce.
    const again = await (await fetch(`${url}/desk`, { headers: { accept: 'text/html' } })).text();
    expect(again).not.toContain(nonce);
  });

  it('caches hashed assets for a year and leaves a missing file a 404, not the app', async () => {
    const url = await serve(root);
    const asset = await fetch(`${url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // Sent gzipped to a browser that takes it (fetch decodes it again).
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect(await asset.text()).toBe('console.log(1);\n'.repeat(500));
    const missing = await fetch(`${url}/assets/gone.js`, { headers: { accept: '*/*' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
  });

  it('never answers the API, health or a write with the app', async () => {
    const url = await serve(root);
    const api = await fetch(`${url}/api/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await fetch(`${url}/api/v1/ping`)).status).toBe(200);
    const post = await fetch(`${url}/desk`, { method: 'POST', headers: { accept: 'text/html' } });
    expect(post.status).toBe(404);
    // API answers make no nonce: their CSP allows no inline style at all.
    const csp = (await fetch(`${url}/api/v1/ping`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('nonce-');
  });

  it('says how to build the app when there is no build', async () => {
    const url = await serve(path.join(root, 'not-built'));
    const page = await fetch(`${url}/desk`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('npm run build:web');
  });
});
