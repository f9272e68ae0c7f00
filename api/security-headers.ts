import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The Content-Security-Policy of every response: what the same-origin web
 * desktop (a React app this server will serve) needs and nothing more.
 * Scripts, styles, fonts, API calls and the event WebSocket come from this
 * origin only (`'self'` covers same-origin `ws:`/`wss:` in CSP 3); images
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
 * Security headers on every response (helmet): the policy above,
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
 * `X-Frame-Options: DENY` for browsers without `frame-ancestors`,
 * cross-origin isolation of the window and resources, HSTS (ignored by
 * browsers over plain HTTP), and no `X-Powered-By`.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
