/**
 * `POST /api/v1/me/softphone`: whether this user's browser is their phone,
 * and how it registers. `authorizationHa1` is a credential: it stays in
 * memory, is never logged and never shown.
 */
export type SoftphoneSettings =
  | { readonly enabled: false; readonly reason: string }
  | {
      readonly enabled: true;
      /** SIP over WebSocket servers, tried in turn (e.g. `ws://127.0.0.1:5066`). */
      readonly wsServers: readonly string[];
      /** `sip:<username>@<realm>` */
      readonly aor: string;
      readonly username: string;
      readonly realm: string;
      readonly authorizationHa1: string;
      readonly displayName: string;
      readonly iceServers: readonly { readonly urls: readonly string[] }[];
    };

export type EnabledSoftphoneSettings = Extract<SoftphoneSettings, { enabled: true }>;
