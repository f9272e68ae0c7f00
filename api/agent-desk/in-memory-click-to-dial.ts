import { randomUUID } from 'node:crypto';
import { alreadyDialling, noPhone, outboundUriMissing, type ClickToDial } from './click-to-dial.ts';

/**
 * The in-memory twin of {@link ClickToDial}: agents have a phone once
 * `register` is called, a dialled call is in progress until `hangUp`, and
 * `outboundUri` undefined stands for a deployment without SIP_OUTBOUND_URI.
 */
export class InMemoryClickToDial implements ClickToDial {
  private readonly phones = new Set<string>();
  /** Dialled calls in progress, by call id. */
  readonly calls = new Map<string, { readonly agentId: string; readonly number: string }>();

  /** @param outboundUri SIP_OUTBOUND_URI as configured; undefined: not set. */
  constructor(private outboundUri: string | undefined) {}

  register(agentId: string): void {
    this.phones.add(agentId);
  }

  /** Ends a dialled call, as the agent or the customer hanging up would. */
  hangUp(callId: string): void {
    this.calls.delete(callId);
  }

  /** Takes SIP_OUTBOUND_URI away (undefined) or gives it back. */
  setOutboundUri(uri: string | undefined): void {
    this.outboundUri = uri;
  }

  unavailable() {
    return this.outboundUri === undefined ? outboundUriMissing() : undefined;
  }

  dial(agentId: string, number: string): Promise<{ callId: string }> {
    const refusal = this.unavailable();
    if (refusal !== undefined) return Promise.reject(refusal);
    if (!this.phones.has(agentId)) return Promise.reject(noPhone());
    if ([...this.calls.values()].some((c) => c.agentId === agentId)) {
      return Promise.reject(alreadyDialling());
    }
    const callId = randomUUID();
    this.calls.set(callId, { agentId, number });
    return Promise.resolve({ callId });
  }
}
