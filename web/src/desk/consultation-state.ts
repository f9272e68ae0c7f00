/** Where a warm transfer of one call stands, as the consulting agent's desktop shows it. */
export type ConsultationPhase = 'ringing' | 'connected' | 'completed' | 'cancelled';

export interface Consultation {
  readonly callId: string;
  readonly phase: ConsultationPhase;
  readonly targetKind: 'agent' | 'number';
  readonly targetAgentId?: string;
  readonly number?: string;
  /** The name the agent chose from the directory, when the desktop knows it. */
  readonly targetName?: string;
  /** Why it was cancelled: `agent`, `no-answer`, `target-hung-up`, `call-ended`. */
  readonly reason?: string;
}

export type Consultations = ReadonlyMap<string, Consultation>;

const under = (phase: ConsultationPhase | undefined) =>
  phase === 'ringing' || phase === 'connected';

/** The same number, or the live event's masked copy of it (`+1••••••1111`). */
function sameNumber(known: string | undefined, told: string | undefined): boolean {
  if (known === undefined || told === undefined || known === told) return true;
  return told.includes('•') && known.endsWith(told.replace(/^.*•/, ''));
}

/**
 * The consultations after one change: a `consultation.*` live event
 * (`from: 'event'`, always the truth), or the API's answer to the agent's own
 * POST (`from: 'answer'`). The answer to `/consult` ("ringing") can arrive
 * after the voice layer's `connected` event: it never moves a consultation
 * under way back. The target's name is kept across steps of the same target.
 */
export function nextConsultations(
  current: Consultations,
  change: Consultation,
  from: 'event' | 'answer',
): Consultations {
  const before = current.get(change.callId);
  if (from === 'answer' && change.phase === 'ringing' && under(before?.phase)) return current;
  const sameTarget =
    before !== undefined &&
    before.targetKind === change.targetKind &&
    (change.targetKind === 'agent'
      ? before.targetAgentId === change.targetAgentId
      : sameNumber(before.number, change.number));
  const next = new Map(current);
  next.set(change.callId, {
    ...(sameTarget ? before : {}),
    ...change,
    // The number as the agent typed it, not the event's masked copy.
    number: sameTarget ? (before.number ?? change.number) : change.number,
    targetName: change.targetName ?? (sameTarget ? before.targetName : undefined),
  });
  return next;
}

/** A consultation event's fields as a change; undefined when it is not one. */
export function consultationFromEvent(
  type: string,
  data: Readonly<Record<string, string>>,
): Consultation | undefined {
  const phase = type.slice('consultation.'.length);
  if (
    data.callId === undefined ||
    (phase !== 'ringing' && phase !== 'connected' && phase !== 'completed' && phase !== 'cancelled')
  ) {
    return undefined;
  }
  return {
    callId: data.callId,
    phase,
    targetKind: data.targetKind === 'number' ? 'number' : 'agent',
    ...(data.targetAgentId === undefined ? {} : { targetAgentId: data.targetAgentId }),
    ...(data.number === undefined ? {} : { number: data.number }),
    ...(data.reason === undefined ? {} : { reason: data.reason }),
  };
}
