/**
 * Types for the part of drachtio-fsmrf 4.x Switchboard calls (the package
 * ships none). Shapes follow node_modules/drachtio-fsmrf/lib/mrf.js; the
 * media server it resolves with is narrowed to `MediaServer`
 * (media-server.ts) by media-server-connection.ts.
 */
declare module 'drachtio-fsmrf' {
  import type { EventEmitter } from 'node:events';
  import type Srf from 'drachtio-srf';

  interface ConnectOptions {
    address: string;
    port?: number;
    secret?: string;
    /** Local address FreeSWITCH's outbound event socket connects back to. */
    listenAddress?: string;
    listenPort?: number;
    advertisedAddress?: string;
    advertisedPort?: number;
    /** SIP profile fsmrf sends endpoint INVITEs to; default `drachtio_mrf`. */
    profile?: string;
  }

  class Mrf extends EventEmitter {
    constructor(srf: Srf, options?: { customEvents?: string[] });
    connect(options: ConnectOptions): Promise<EventEmitter>;
  }
  export = Mrf;
}

/** fsmrf's endpoint class, for joining a channel fsmrf did not set up itself (browser-media.ts). */
declare module 'drachtio-fsmrf/lib/endpoint.js' {
  import type { EventEmitter } from 'node:events';

  class Endpoint extends EventEmitter {
    constructor(
      conn: unknown,
      dialog: unknown,
      mediaServer: unknown,
      options: { customEvents?: string[] },
    );
  }
  export = Endpoint;
}
