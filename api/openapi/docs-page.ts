import { createHash } from 'node:crypto';

/**
 * A self-contained HTML page that fetches the OpenAPI document and lists
 * every operation with its role, parameters and schemas. No CDN: contact
 * centers often run on closed networks.
 */
export interface DocsPage {
  readonly html: string;
  /**
   * Its own Content-Security-Policy: the page's one inline script and style
   * allowed by the hashes of their exact text, everything else as strict as
   * the API's.
   */
  readonly contentSecurityPolicy: string;
}

const style = `body{font:14px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem;color:#1d2330}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ddd}
details{border:1px solid #e3e6ec;border-radius:6px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}code,pre{font:12px ui-monospace,monospace}pre{background:#f6f8fa;padding:.5rem;overflow:auto}
.m{display:inline-block;width:4.2rem;font-weight:600;text-transform:uppercase}
.get{color:#1565c0}.post{color:#2e7d32}.put,.patch{color:#ef6c00}.delete{color:#c62828}
.role{float:right;color:#666}
`;

export function docsPage(documentUrl: string): DocsPage {
  const script = `const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'})[c]);
fetch(${JSON.stringify(documentUrl)}).then((r) => r.json()).then((doc) => {
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    (byTag[op.tags[0]] ??= []).push({ path, method, op });
  }
  document.getElementById('ops').innerHTML = Object.entries(byTag).map(([tag, list]) =>
    '<h2>' + esc(tag) + '</h2>' + list.map(({ path, method, op }) =>
      '<details><summary><span class="m ' + method + '">' + method + '</span><code>' + esc(path) +
      '</code> — ' + esc(op.summary) + '<span class="role">' + esc(op['x-minimum-role']) + '</span></summary>' +
      (op.parameters ? '<h4>Parameters</h4><pre>' + esc(JSON.stringify(op.parameters, null, 2)) + '</pre>' : '') +
      (op.requestBody ? '<h4>Body</h4><pre>' + esc(JSON.stringify(op.requestBody.content['application/json'].schema, null, 2)) + '</pre>' : '') +
      '<h4>Responses</h4><pre>' + esc(JSON.stringify(op.responses, null, 2)) + '</pre></details>'
    ).join('')).join('');
});
`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${style}</style></head><body>
<h1>Switchboard API</h1>
<p>Machine-readable contract: <a href="${documentUrl}"><code>${documentUrl}</code></a> (OpenAPI 3.1).
Live events: WebSocket <code>/api/v1/events</code>. Errors: <code>{"error":{"code","message","details"}}</code>.</p>
<div id="ops">Loading…</div>
<script>${script}</script></body></html>`;
  const contentSecurityPolicy = [
    "default-src 'none'",
    "connect-src 'self'",
    `script-src '${sha256(script)}'`,
    `style-src '${sha256(style)}'`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

/** A CSP source for one inline element: the hash of its exact text. */
function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text).digest('base64')}`;
}
