import type { MicrophoneProblem } from './microphone-problem.ts';

/**
 * Where the browser phone stands, as the header shows it:
 * - `disabled`: no browser phone for this user (`not-configured`), its
 *   settings are being read (`loading`) or could not be (`unavailable`),
 *   or it was stopped (`stopped`, at log-out);
 * - `connecting`: the WebSocket is opening or the REGISTER is out;
 * - `registered`: calls ring here;
 * - `offline`: the SIP server cannot be reached (`unreachable`) or the
 *   connection dropped (`dropped`), or the page's Content-Security-Policy
 *   does not allow its WebSocket (`policy`: the server's `connect-src` must
 *   list it); attempt `attempt` is at `retryAt`;
 * - `micBlocked`: the microphone cannot be opened (nothing registers, so
 *   no call rings a browser that could not answer it);
 * - `error`: the registrar refused the credentials (`code`).
 */
export type SoftphoneStatus =
  | {
      readonly kind: 'disabled';
      readonly reason: 'not-configured' | 'loading' | 'unavailable' | 'stopped';
    }
  | { readonly kind: 'connecting' }
  | { readonly kind: 'registered' }
  | {
      readonly kind: 'offline';
      readonly reason: 'unreachable' | 'dropped' | 'policy';
      readonly attempt: number;
      readonly retryAt: number;
    }
  | { readonly kind: 'micBlocked'; readonly problem: MicrophoneProblem }
  | { readonly kind: 'error'; readonly reason: 'rejected'; readonly code: number };
