/**
 * Test support: whether the real-server suites run, and connections to the
 * real drachtio-server and FreeSWITCH when they do. Selected by
 * `SWITCHBOARD_REAL_SIP=1` plus `DRACHTIO_HOST/PORT/SECRET` and
 * `FREESWITCH_HOST/PORT/SECRET`; see media/README.md.
 */
import Srf from 'drachtio-srf';
import type { MediaServer } from './media-server.ts';
import { fsmrfConnector } from './media-server-connection.ts';

export interface RealServerSettings {
  readonly drachtio: { readonly host: string; readonly port: number; readonly secret: string };
  readonly freeswitch: { readonly host: string; readonly port: number; readonly secret: string };
  /** Directory on the FreeSWITCH host with `<language>/<name>.wav` prompts. */
  readonly promptsDir: string;
}

/** The settings, or why the real-server suites are skipped. */
export function realServerSettings(
  env: Readonly<Record<string, string | undefined>>,
): { readonly settings: RealServerSettings } | { readonly skipReason: string } {
  if (env.SWITCHBOARD_REAL_SIP !== '1') {
    return {
      skipReason:
        'SWITCHBOARD_REAL_SIP is not 1, so no real drachtio-server/FreeSWITCH is used (see media/README.md)',
    };
  }
  const missing = ['DRACHTIO_HOST', 'FREESWITCH_HOST'].filter((name) => !env[name]);
  if (missing.length > 0) return { skipReason: `${missing.join(' and ')} not set` };
  return {
    settings: {
      drachtio: {
        host: env.DRACHTIO_HOST ?? '',
        port: Number(env.DRACHTIO_PORT ?? 9022),
        secret: env.DRACHTIO_SECRET ?? 'cymru',
      },
      freeswitch: {
        host: env.FREESWITCH_HOST ?? '',
        port: Number(env.FREESWITCH_PORT ?? 8021),
        secret: env.FREESWITCH_SECRET ?? 'ClueCon',
      },
      promptsDir: env.FREESWITCH_PROMPTS_DIR ?? '/usr/share/switchboard/prompts',
    },
  };
}

/** Connects to both servers; `close` disconnects both. */
export async function connectRealServers(settings: RealServerSettings): Promise<{
  readonly srf: Srf;
  readonly mediaServer: MediaServer;
  close(): void;
}> {
  const srf = new Srf();
  await new Promise<void>((resolve, reject) => {
    srf.on('connect', (error: Error | undefined) => (error ? reject(error) : resolve()));
    srf.on('error', reject);
    void srf.connect(settings.drachtio);
  });
  const mediaServer = await fsmrfConnector(srf)(settings.freeswitch);
  return {
    srf,
    mediaServer,
    close() {
      mediaServer.disconnect();
      srf.disconnect();
    },
  };
}
