import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Prompt } from './call-session.ts';
import { estimatedPromptMs } from './simulated-call-session.ts';

/**
 * The recorded prompts on disk: `<directory>/<language>/<name>.wav`. The
 * validator asks it what exists; the simulator asks it how long each plays,
 * from the WAV header, so simulated time matches what callers would hear.
 *
 * @example
 * const library = new PromptLibrary('flows/prompts');
 * library.exists('main-menu', 'en');
 */
export class PromptLibrary {
  private readonly durations = new Map<string, number | undefined>();

  constructor(readonly directory: string) {}

  pathOf(name: string, language: string): string {
    return join(this.directory, language, `${name}.wav`);
  }

  exists(name: string, language: string): boolean {
    return existsSync(this.pathOf(name, language));
  }

  /** How long a prompt plays: measured for recorded files, estimated otherwise. */
  durationMs(prompt: Prompt): number {
    if (prompt.kind !== 'file') return estimatedPromptMs(prompt);
    const path = this.pathOf(prompt.name, prompt.language);
    if (!this.durations.has(path)) this.durations.set(path, wavDurationMs(path));
    return this.durations.get(path) ?? estimatedPromptMs(prompt);
  }
}

/** Reads the `fmt ` and `data` chunks of a RIFF/WAVE file; undefined if it is not one. */
export function wavDurationMs(path: string): number | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  if (
    bytes.length < 12 ||
    bytes.toString('ascii', 0, 4) !== 'RIFF' ||
    bytes.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    return undefined;
  }
  let byteRate: number | undefined;
  for (let offset = 12; offset + 8 <= bytes.length;) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 20 <= bytes.length) byteRate = bytes.readUInt32LE(offset + 16);
    if (id === 'data' && byteRate !== undefined && byteRate > 0) {
      const dataBytes = Math.min(size, bytes.length - offset - 8);
      return Math.round((dataBytes / byteRate) * 1000);
    }
    offset += 8 + size + (size % 2);
  }
  return undefined;
}
