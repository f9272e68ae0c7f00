import type { HangupCause, Prompt, RecordingResult } from './call-session.ts';

/**
 * One thing that happened on a simulated call, as the caller experienced it.
 * `atMs` counts from the start of the call.
 */
export type TranscriptEntry = { readonly atMs: number } & (
  | { readonly kind: 'answered' }
  | { readonly kind: 'heard'; readonly prompt: Prompt }
  | { readonly kind: 'promptInterrupted'; readonly digit: string }
  | { readonly kind: 'pressed'; readonly digit: string }
  | { readonly kind: 'holdMusic'; readonly name: string }
  | { readonly kind: 'beep' }
  | {
      readonly kind: 'recorded';
      readonly durationMs: number;
      readonly endedBy: RecordingResult['endedBy'];
      readonly recordingUri: string;
    }
  | { readonly kind: 'bridged'; readonly agentId: string }
  | { readonly kind: 'bridgeEnded'; readonly agentId: string; readonly durationMs: number }
  | { readonly kind: 'transferring'; readonly destination: string }
  | { readonly kind: 'transferEnded'; readonly destination: string; readonly outcome: string }
  | { readonly kind: 'hungUp'; readonly by: 'caller' | 'system'; readonly cause: HangupCause }
);

/** Human wording of a prompt, for transcripts and the simulator. */
export function describePrompt(prompt: Prompt): string {
  switch (prompt.kind) {
    case 'file':
      return `[${prompt.language}/${prompt.name}]`;
    case 'tts':
      return `"${prompt.text}" (${prompt.language})`;
    case 'music':
      return `music "${prompt.name}" for ${formatSeconds(prompt.durationMs)}`;
    case 'silence':
      return `silence for ${formatSeconds(prompt.durationMs)}`;
  }
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
