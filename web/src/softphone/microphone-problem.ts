/**
 * Why the microphone could not be opened, from `getUserMedia`'s error:
 * `blocked` (the user or a policy denied it: NotAllowedError, or
 * SecurityError on an insecure origin), `missing` (no microphone:
 * NotFoundError / OverconstrainedError), `busy` (another application
 * holds it: NotReadableError / AbortError), `unsupported` (no
 * mediaDevices at all, e.g. plain HTTP on another host than localhost).
 */
export type MicrophoneProblem = 'blocked' | 'missing' | 'busy' | 'unsupported';

export class MicrophoneError extends Error {
  constructor(
    readonly problem: MicrophoneProblem,
    cause?: unknown,
  ) {
    super(`microphone ${problem}`, { cause });
    this.name = 'MicrophoneError';
  }
}

export function microphoneProblem(error: unknown): MicrophoneProblem {
  if (error instanceof MicrophoneError) return error.problem;
  const name = (error as { name?: unknown } | null)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'blocked';
    case 'NotFoundError':
    case 'OverconstrainedError':
    case 'DevicesNotFoundError':
      return 'missing';
    case 'TypeError':
      return 'unsupported';
    default:
      return 'busy';
  }
}
