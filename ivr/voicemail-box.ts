/**
 * Where voicemail goes: stored with the call and turned into a ticket for the
 * team that owns the mailbox. Owned here by the `voicemail` step; `sql/`
 * implements it over Postgres, {@link InMemoryVoicemailBox} for the simulator.
 *
 * @example
 * const { voicemailId, ticketId } = await box.store({ mailbox: 'support', callId,
 *   callerNumber, recordingUri, durationMs: 14_000 });
 */
export interface VoicemailBox {
  store(message: VoicemailMessage): Promise<StoredVoicemail>;
}

export interface VoicemailMessage {
  readonly mailbox: string;
  readonly callId: string;
  readonly callerNumber: string;
  readonly recordingUri: string;
  readonly durationMs: number;
}

export interface StoredVoicemail {
  readonly voicemailId: string;
  /** The ticket opened so someone calls back. */
  readonly ticketId: string;
}
