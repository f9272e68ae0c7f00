import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** What a finished recording file holds, measured from the file itself. */
export interface RecordingFileFacts {
  readonly bytes: number;
  readonly sha256: string;
  /** From the WAV header (data bytes / byte rate); undefined when the file is not a WAV. */
  readonly durationMs: number | undefined;
}

/** Reads finished recordings; `name` is relative to the recordings directory. */
export interface RecordingFiles {
  /** Facts about `name`, or undefined while the file is missing or empty. */
  inspect(name: string): Promise<RecordingFileFacts | undefined>;
}

/**
 * Recordings on a directory this process can read: the one FreeSWITCH writes
 * to, mounted here (`RECORDINGS_DIR`, the same directory the API streams
 * from).
 *
 * @example
 * const facts = await new LocalRecordingFiles('/var/lib/switchboard/recordings').inspect('calls/c-1.wav');
 */
export class LocalRecordingFiles implements RecordingFiles {
  constructor(private readonly directory: string) {}

  async inspect(name: string): Promise<RecordingFileFacts | undefined> {
    const file = path.resolve(this.directory, name);
    const data = await readFile(file).catch(() => undefined);
    if (data === undefined || data.length === 0) return undefined;
    return {
      bytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      durationMs: wavDurationMs(data),
    };
  }
}

/**
 * Duration of a RIFF/WAVE file from its `fmt ` byte rate and `data` size. A
 * data size FreeSWITCH has not finalised (0 or 0xFFFFFFFF) is taken from the
 * bytes actually present.
 */
export function wavDurationMs(data: Buffer): number | undefined {
  if (data.length < 12 || data.toString('ascii', 0, 4) !== 'RIFF') return undefined;
  if (data.toString('ascii', 8, 12) !== 'WAVE') return undefined;
  let byteRate: number | undefined;
  let offset = 12;
  while (offset + 8 <= data.length) {
    const id = data.toString('ascii', offset, offset + 4);
    const size = data.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && body + 12 <= data.length) byteRate = data.readUInt32LE(body + 8);
    if (id === 'data') {
      if (byteRate === undefined || byteRate === 0) return undefined;
      const present = data.length - body;
      const bytes = size === 0 || size === 0xffffffff || size > present ? present : size;
      return Math.round((bytes * 1000) / byteRate);
    }
    offset = body + size + (size % 2);
  }
  return undefined;
}

/** A PCM WAV file of `durationMs` of silence (test support and fixtures). */
export function silentWav(durationMs: number, channels: 1 | 2 = 2, sampleRate = 8000): Buffer {
  const blockAlign = channels * 2;
  const dataBytes = Math.round((durationMs * sampleRate) / 1000) * blockAlign;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([header, Buffer.alloc(dataBytes)]);
}
