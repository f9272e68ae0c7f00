/**
 * The parts of drachtio-fsmrf's `MediaServer` and `Endpoint` that Switchboard
 * uses, as small interfaces. fsmrf 4.x objects satisfy them structurally;
 * tests drive an in-process twin of the same shapes
 * (`media/freeswitch/media-server-twin.ts`).
 */

/** An event-socket event or API reply (modesl `Event`). */
export interface EslEvent {
  getHeader(name: string): string | undefined;
  getBody(): string;
}

/** What fsmrf's `Endpoint#record` resolves with (FreeSWITCH channel variables). */
export interface EndpointRecordResult {
  readonly terminatorUsed?: string;
  readonly recordMilliseconds?: string;
}

/** A DTMF key as fsmrf reports it (`source` is `RTP` for RFC 2833, `INBAND_AUDIO` for in-band). */
export interface DtmfEvent {
  readonly dtmf: string;
  readonly source?: string;
}

/** One FreeSWITCH channel controlled over its own outbound event socket. */
export interface MediaEndpoint {
  /** FreeSWITCH channel UUID. */
  readonly uuid: string;
  readonly local: { readonly sdp: string };
  /** Plays one file or stream (`silence_stream://`, `local_stream://`, a path); resolves when it ends. */
  play(file: string): Promise<unknown>;
  /** Runs a dialplan application (`speak`, `record_session`, `eavesdrop`, ...) and resolves when it completes. */
  execute(app: string, arg?: string): Promise<EslEvent>;
  /** Runs an API command (`uuid_break <uuid>`, ...); resolves with the reply. */
  api(command: string, args?: string | readonly string[]): Promise<EslEvent>;
  /** Sets a channel variable. */
  set(name: string, value: string): Promise<unknown>;
  /**
   * fsmrf's event-socket connection for this channel; `getInfo()` is the
   * channel's data when it reached us, with the variables the dialplan set
   * (`variable_<name>`). Optional: twins may leave it out.
   */
  readonly conn?: { getInfo(): { getHeader(name: string): string | null | undefined } };
  /** Records the caller with FreeSWITCH's `record` application. */
  record(
    file: string,
    options: { timeLimitSecs?: number; silenceThresh?: number; silenceHits?: number },
  ): Promise<EndpointRecordResult>;
  /** Bridges this channel with another (`uuid_bridge`). */
  bridge(other: MediaEndpoint | string): Promise<unknown>;
  /** Re-INVITEs FreeSWITCH with the far end's SDP (used after a 3pcc outbound leg answers). */
  modify(sdp: string): Promise<unknown>;
  /** Hangs the channel up. */
  destroy(): Promise<unknown>;
  on(event: 'dtmf', listener: (event: DtmfEvent) => void): unknown;
  /** The channel ended from the FreeSWITCH side (or its event socket closed). */
  on(event: 'destroy', listener: () => void): unknown;
}

/** Options fsmrf's `MediaServer#createEndpoint` takes. */
export interface CreateEndpointOptions {
  /** The far end's SDP offer; absent creates an endpoint that makes its own offer (3pcc). */
  readonly remoteSdp?: string;
}

/** A FreeSWITCH server reached over the event socket (fsmrf `MediaServer`). */
export interface MediaServer {
  /** From FreeSWITCH HEARTBEAT events: sessions now, the configured maximum, sessions per second and idle CPU %. */
  readonly currentSessions: number;
  readonly maxSessions: number;
  readonly cps: number;
  readonly cpuIdle?: number;
  createEndpoint(options?: CreateEndpointOptions): Promise<MediaEndpoint>;
  /** Runs an API command on the server; resolves with the reply body. */
  api(command: string): Promise<string>;
  /** `end`: the event socket closed; fsmrf does not reopen it. */
  on(event: 'end' | 'error', listener: (...args: unknown[]) => void): unknown;
  disconnect(): void;
}
