import { randomUUID } from 'node:crypto';
import { releaseQuietly, type AgentEngagements } from './agent-engagements.ts';
import { alreadyDialling, noPhone, outboundUriMissing, type ClickToDial } from './click-to-dial.ts';

/**
 * The in-memory twin of {@link ClickToDial}: agents have a phone once
 * `register` is called, a dialled call is in progress until `hangUp`, and
 * `outboundUri` undefined stands for a deployment without SIP_OUTBOUND_URI.
 * With `engagements` (routing's desk) the agent is engaged on the call as
 * the voice layer does, and released by `hangUp`.
 */
export class InMemoryClickToDial implements ClickToDial {
  private readonly phones = new Set<string>();
  /** Dialled calls in progress, by call id. */
  readonly calls = new Map<string, { readonly agentId: string; readonly number: string }>();

  /** @param outboundUri SIP_OUTBOUND_URI as configured; undefined: not set. */
  constructor(
    private outboundUri: string | undefined,
    private readonly engagements?: AgentEngagements,
  ) {}

  register(agentId: string): void {
    this.phones.add(agentId);
  }

  /** Ends a dialled call, as the agent or the customer hanging up would; resolves once released. */
  async hangUp(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    this.calls.delete(callId);
    if (call !== undefined) {
      await releaseQuietly(this.engagements, call.agentId, callId, { debug: () => undefined });
    }
  }

  /** Takes SIP_OUTBOUND_URI away (undefined) or gives it back. */
  setOutboundUri(uri: string | undefined): void {
    this.outboundUri = uri;
  }

  unavailable() {
    return this.outboundUri === undefined ? outboundUriMissing() : undefined;
  }

  async dial(agentId: string, number: string): Promise<{ callId: string }> {
    const refusal = this.unavailable();
    if (refusal !== undefined) throw refusal;
    if (!this.phones.has(agentId)) throw noPhone();
    if ([...this.calls.values()].some((c) => c.agentId === agentId)) throw alreadyDialling();
    const callId = randomUUID();
    await this.engagements?.engage(agentId, callId, 'click-to-dial');
    this.calls.set(callId, { agentId, number });
    return { callId };
  }
}
