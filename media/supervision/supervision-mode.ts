/** How a supervisor is joined to a call (the API's `SupervisionMode`). */
export type SupervisionMode = 'listen' | 'whisper' | 'barge';

/**
 * FreeSWITCH `eavesdrop` keys (mod_dptools, with `eavesdrop_enable_dtmf`),
 * when eavesdropping on the agent's channel: 0 back to listening, 2 talk to
 * the eavesdropped channel (the agent: whisper), 3 three-way (barge). Key 1
 * (talk to the customer only) is not a Switchboard mode.
 */
export const eavesdropKeys: Readonly<Record<SupervisionMode, string>> = {
  listen: '0',
  whisper: '2',
  barge: '3',
};

/** The mode a key pressed during eavesdrop switches to, if it is one. */
export function modeForKey(key: string): SupervisionMode | undefined {
  return (Object.keys(eavesdropKeys) as SupervisionMode[]).find(
    (mode) => eavesdropKeys[mode] === key,
  );
}
