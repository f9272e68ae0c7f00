/**
 * Test support: in-process twins of drachtio-fsmrf's MediaServer and Endpoint
 * and of a drachtio-srf Dialog, on a {@link CallClock}. They model the
 * FreeSWITCH behaviour our adapters depend on: playback runs for the media's
 * length and stops at `uuid_break`; `record` stops at a key listed in
 * `playback_terminators`, at its time limit, at silence or at `uuid_break`;
 * DTMF is reported as `dtmf` events; `uuid_transfer ... park` takes the
 * channel out of its bridge; `destroy` hangs up. Every command is
 * logged so tests can assert on what FreeSWITCH was asked to do.
 */
import { EventEmitter } from 'node:events';
import type { CallClock } from '../../ivr/call-clock.ts';
import type { SipDialog, SipRequest, SipResponse } from '../sip/sip-message.ts';
import type {
  CreateEndpointOptions,
  EndpointRecordResult,
  EslEvent,
  MediaEndpoint,
  MediaServer,
} from './media-server.ts';

function eslEvent(body: string, headers: Record<string, string> = {}): EslEvent {
  return { getHeader: (name) => headers[name], getBody: () => body };
}

interface Activity {
  readonly kind: 'playback' | 'record';
  finish(result: { terminator?: string }): void;
}

export class EndpointTwin extends EventEmitter implements MediaEndpoint {
  readonly local: { sdp: string };
  readonly variables = new Map<string, string>();
  /** Every command, e.g. `play silence_stream://200`, `api uuid_break <uuid>`. */
  readonly commands: string[] = [];
  remoteSdp: string | undefined;
  bridgedWith: string | undefined;
  destroyed = false;
  private unanswered = false;
  private activity: Activity | undefined;

  /** The channel's data when it reached the app: the dialplan's variables. */
  readonly conn: { getInfo(): { getHeader(name: string): string | undefined } };

  constructor(
    readonly uuid: string,
    private readonly server: MediaServerTwin,
    remoteSdp: string | undefined,
  ) {
    super();
    const atConnect = new Map(server.dialplanVariables);
    for (const [name, value] of atConnect) this.variables.set(name, value);
    this.conn = {
      getInfo: () => ({
        getHeader: (name) =>
          name.startsWith('variable_') ? atConnect.get(name.slice('variable_'.length)) : undefined,
      }),
    };
    this.remoteSdp = remoteSdp;
    this.local = { sdp: `v=0\r\no=FreeSWITCH 1 1 IN IP4 127.0.0.1\r\ns=${uuid}\r\n` };
  }

  play(file: string): Promise<unknown> {
    this.log(`play ${file}`);
    if (this.server.missingFiles.has(file)) return Promise.reject(new Error('File Not Found'));
    return this.run('playback', this.server.durationOf(file)).then(() => ({}));
  }

  execute(app: string, arg = ''): Promise<EslEvent> {
    this.log(`execute ${app} ${arg}`.trim());
    if (app === 'speak') {
      return this.run('playback', this.server.speechMs).then(() => eslEvent(''));
    }
    if (app === 'hangup') {
      void this.destroy();
    }
    if (app === 'eavesdrop') return this.eavesdrop(arg);
    return this.alive().then(() => eslEvent('+OK'));
  }

  api(command: string, args: string | readonly string[] = ''): Promise<EslEvent> {
    const joined = Array.isArray(args) ? args.join(' ') : (args as string);
    this.log(`api ${command} ${joined}`.trim());
    if (command === 'uuid_break') this.activity?.finish({});
    // Out of any bridge and any application, as FreeSWITCH's transfer to park.
    if (command === 'uuid_transfer' && joined.includes(' park')) {
      this.activity?.finish({});
      this.bridgedWith = undefined;
    }
    return this.alive().then(() => eslEvent('+OK'));
  }

  set(name: string, value: string): Promise<unknown> {
    this.log(`set ${name}=${value}`);
    this.variables.set(name, value);
    return this.alive();
  }

  record(
    file: string,
    options: { timeLimitSecs?: number; silenceThresh?: number; silenceHits?: number },
  ): Promise<EndpointRecordResult> {
    this.log(`record ${file} ${options.timeLimitSecs ?? ''} ${options.silenceHits ?? ''}`.trim());
    const started = this.server.clock.now();
    const limitMs = (options.timeLimitSecs ?? 3600) * 1000;
    const silenceMs =
      this.server.callerSpeechMs === undefined
        ? Number.POSITIVE_INFINITY
        : this.server.callerSpeechMs + (options.silenceHits ?? 3) * 1000;
    return this.run('record', Math.min(limitMs, silenceMs)).then((result) => ({
      terminatorUsed: result.terminator,
      recordMilliseconds: String(this.server.clock.now() - started),
    }));
  }

  bridge(other: MediaEndpoint | string): Promise<unknown> {
    const uuid = typeof other === 'string' ? other : other.uuid;
    this.log(`bridge ${uuid}`);
    this.bridgedWith = uuid;
    return this.alive();
  }

  modify(sdp: string): Promise<unknown> {
    this.log('modify');
    this.remoteSdp = sdp;
    return this.alive();
  }

  destroy(): Promise<unknown> {
    if (this.unanswered) {
      this.log('destroy');
      return new Promise(() => undefined);
    }
    if (!this.destroyed) {
      this.log('destroy');
      this.destroyed = true;
      this.activity?.finish({});
      this.server.release(this);
    }
    return Promise.resolve();
  }

  /** `eavesdrop <uuid>` lasts until either channel ends, as in FreeSWITCH. */
  private eavesdrop(uuid: string): Promise<EslEvent> {
    if (this.destroyed) return Promise.reject(new Error('endpoint no longer active'));
    return new Promise((resolve) => {
      const check = () => {
        const target = this.server.endpoints.find((endpoint) => endpoint.uuid === uuid);
        if (this.destroyed || target === undefined || target.destroyed) {
          this.server.off('released', check);
          resolve(eslEvent('+OK'));
        }
      };
      this.server.on('released', check);
      check();
    });
  }

  /** The far end sends these keys (RFC 2833). */
  receiveDtmf(keys: string): void {
    for (const dtmf of keys) {
      this.emit('dtmf', { dtmf, source: 'RTP' });
      const terminators = this.variables.get('playback_terminators') ?? '*';
      if (
        this.activity?.kind === 'record' &&
        terminators !== 'none' &&
        terminators.includes(dtmf)
      ) {
        this.activity.finish({ terminator: dtmf });
      }
    }
  }

  /** FreeSWITCH ends the channel by itself (or its event socket drops). */
  endFromServer(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.activity?.finish({});
    this.server.release(this);
    this.emit('destroy');
  }

  private run(kind: Activity['kind'], durationMs: number): Promise<{ terminator?: string }> {
    if (this.unanswered) return new Promise(() => undefined);
    if (this.destroyed) return Promise.reject(new Error('endpoint no longer active'));
    this.activity?.finish({});
    return new Promise((resolve) => {
      const clock = this.server.clock;
      const timer = Number.isFinite(durationMs)
        ? clock.setTimeout(() => activity.finish({}), durationMs)
        : undefined;
      const activity: Activity = {
        kind,
        finish: (result) => {
          if (this.activity === activity) this.activity = undefined;
          if (timer !== undefined) clock.clearTimeout(timer);
          resolve(result);
        },
      };
      this.activity = activity;
    });
  }

  private alive(): Promise<void> {
    if (this.unanswered) return new Promise(() => undefined);
    return this.destroyed
      ? Promise.reject(new Error('endpoint no longer active'))
      : Promise.resolve();
  }

  /**
   * The channel's event socket closes under fsmrf (the caller hung up and
   * FreeSWITCH tore the channel down, or FreeSWITCH died): from now on no
   * command on this endpoint is ever answered, `destroy` included, and what
   * was playing never reports its end, as with fsmrf's callbacks on a closed
   * socket.
   */
  closeSocket(): void {
    this.unanswered = true;
    // What was playing or recording never reports its end either.
    this.activity = undefined;
  }

  private log(command: string): void {
    this.commands.push(command);
  }
}

/** A FreeSWITCH media server twin; `endpoints` holds every endpoint created. */
export class MediaServerTwin extends EventEmitter implements MediaServer {
  readonly endpoints: EndpointTwin[] = [];
  readonly apiCommands: string[] = [];
  readonly missingFiles = new Set<string>();
  /** Length of recorded prompt files by path; 1 s when absent. */
  readonly fileDurations = new Map<string, number>();
  speechMs = 1000;
  /** When set, the caller talks this long and then goes quiet (for record's silence detection). */
  callerSpeechMs: number | undefined;
  maxSessions = 1000;
  cps = 0;
  cpuIdle = 90;
  /** The next createEndpoint calls fail with this error. */
  failCreate: Error | undefined;
  /** Variables the dialplan sets on every channel before it reaches the app. */
  readonly dialplanVariables = new Map<string, string>();
  private live = new Set<EndpointTwin>();
  private count = 0;

  constructor(readonly clock: CallClock) {
    super();
  }

  get currentSessions(): number {
    return this.live.size;
  }

  createEndpoint(options: CreateEndpointOptions = {}): Promise<MediaEndpoint> {
    if (this.failCreate !== undefined) return Promise.reject(this.failCreate);
    this.count += 1;
    const endpoint = new EndpointTwin(
      `00000000-0000-4000-8000-${String(this.count).padStart(12, '0')}`,
      this,
      options.remoteSdp,
    );
    this.endpoints.push(endpoint);
    this.live.add(endpoint);
    return Promise.resolve(endpoint);
  }

  api(command: string): Promise<string> {
    this.apiCommands.push(command);
    if (command === 'show channels as json') {
      const rows = [...this.live].map((endpoint) => ({ uuid: endpoint.uuid }));
      return Promise.resolve(JSON.stringify({ row_count: rows.length, rows }));
    }
    const kill = /^uuid_kill (\S+)/.exec(command);
    if (kill !== null) {
      const endpoint = [...this.live].find((candidate) => candidate.uuid === kill[1]);
      endpoint?.endFromServer();
      return Promise.resolve(endpoint === undefined ? '-ERR No such channel!' : '+OK');
    }
    return Promise.resolve('+OK');
  }

  disconnect(): void {
    for (const endpoint of [...this.live]) endpoint.endFromServer();
  }

  /** The event socket drops: every channel's socket closes and the server reports `end`. */
  loseConnection(): void {
    this.disconnect();
    this.emit('end');
  }

  /** Plays `file` for this long (ms); infinite for streams that loop. */
  durationOf(file: string): number {
    const silence = /^silence_stream:\/\/(\d+)/.exec(file);
    if (silence !== null) return Number(silence[1]);
    if (file.startsWith('local_stream://')) return Number.POSITIVE_INFINITY;
    if (file.startsWith('tone_stream://')) return 250;
    return this.fileDurations.get(file) ?? 1000;
  }

  release(endpoint: EndpointTwin): void {
    this.live.delete(endpoint);
    this.emit('released', endpoint.uuid);
  }
}

/** A drachtio-srf Dialog twin. */
export class DialogTwin extends EventEmitter implements SipDialog {
  readonly sip: { callId: string };
  readonly local: { sdp: string };
  readonly remote: { sdp: string };
  destroyed = false;
  /** Requests sent within the dialog (e.g. NOTIFY after a REFER). */
  readonly sent: { method: string; headers: Readonly<Record<string, string>>; body: string }[] = [];
  private ackWithheld = false;
  /** Requests received within the dialog (e.g. REFER) are raised with {@link receive}. */
  constructor(callId: string, localSdp = '', remoteSdp = '') {
    super();
    this.sip = { callId };
    this.local = { sdp: localSdp };
    this.remote = { sdp: remoteSdp };
  }

  destroy(): Promise<unknown> {
    this.destroyed = true;
    return Promise.resolve();
  }

  /** The far end will never ACK this dialog's 200 OK; by default it ACKs at once. */
  withholdAck(): void {
    this.ackWithheld = true;
  }

  /** An `ack` listener hears the ACK at once, unless {@link withholdAck} was called. */
  override on(event: string | symbol, listener: Parameters<EventEmitter['on']>[1]): this {
    super.on(event, listener);
    if (event === 'ack' && !this.ackWithheld) this.emit('ack');
    return this;
  }

  modify(sdp: string): Promise<string> {
    this.local.sdp = sdp;
    return Promise.resolve(this.remote.sdp);
  }

  /** drachtio-srf `Dialog#request`: sends a request within the dialog. */
  request(options: {
    method: string;
    headers?: Readonly<Record<string, string>>;
    body?: string;
  }): Promise<unknown> {
    this.sent.push({
      method: options.method,
      headers: options.headers ?? {},
      body: options.body ?? '',
    });
    return this.destroyed
      ? Promise.reject(new Error('dialog is gone'))
      : Promise.resolve({ status: 200 });
  }

  /** The far end sends BYE. */
  hangUpFromFarEnd(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroy');
  }

  /** The far end sends an in-dialog request such as REFER. */
  receive(method: 'refer', request: SipRequest, response: SipResponse): void {
    this.emit(method, request, response);
  }
}
