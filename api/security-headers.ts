import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Paths that never answer a page: the API, health, the event socket. */
export const serverPaths = /^\/(api|healthz|readyz)(\/|$)/;

/** The per-page nonce the web app's style elements carry (see {@link styleNonceOf}). */
const styleNonceKey = 'styleNonce';

/** The nonce made for this page load, or undefined for anything but a page. */
export function styleNonceOf(res: { locals: Record<string, unknown> }): string | undefined {
  const nonce = res.locals[styleNonceKey];
  return typeof nonce === 'string' ? nonce : undefined;
}

/**
 * The Content-Security-Policy of every response: what the same-origin web
 * desktop (a React app this server will serve) needs and nothing more.
 * Scripts, styles, fonts, API calls and the event WebSocket come from this
 * origin only (`'self'` covers same-origin `ws:`/`wss:` in CSP 3), and the
 * browser softphone connects to drachtio-server's WebSocket too; images
 * and recordings may also be `data:`/`blob:` URLs the app makes itself; no
 * plugins, no `<base>` tricks, no framing by anyone (clickjacking an agent's
 * accept button), forms post only here. No `upgrade-insecure-requests`:
 * Switchboard is also served over plain HTTP on closed networks, where it
 * would break every request.
 */
export const contentSecurityPolicy = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'media-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
} as const;

/**
 * `style-src` of a page load: 'self' plus this load's nonce. The design
 * system (antd) writes its theme as `<style>` elements at run time; each
 * carries the nonce, so no other inline style (an injected one) applies.
 * Scripts stay 'self' only.
 */
function styleSources(_req: IncomingMessage, res: ServerResponse): string {
  const nonce = styleNonceOf(res as unknown as { locals: Record<string, unknown> });
  return nonce === undefined ? "'self'" : `'self' 'nonce-${nonce}'`;
}

/**
 * Security headers on every response (helmet): the policy above,
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
 * `X-Frame-Options: DENY` for browsers without `frame-ancestors`,
 * cross-origin isolation of the window and resources, HSTS (ignored by
 * browsers over plain HTTP), and no `X-Powered-By`.
 */
export function securityHeaders(
  options: {
    /**
     * Origins pages may connect to besides their own: the browser
     * softphone's SIP-over-WebSocket servers (SIP_WS_URI).
     */
    readonly connectSources?: readonly string[];
  } = {},
): RequestHandler[] {
  const connectSources = [
    "'self'",
    ...(options.connectSources ?? []).map((uri) => new URL(uri).origin),
  ];
  return [
    (req, res, next) => {
      // Page loads only: API answers (the hot paths) make no nonce.
      if (req.method === 'GET' && !serverPaths.test(req.path) && req.accepts('html') === 'html') {
        res.locals[styleNonceKey] = randomBytes(16).toString('base64');
      }
      next();
    },
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          ...contentSecurityPolicy,
          'connect-src': connectSources,
          'style-src': [styleSources],
        },
      },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  ];
}
