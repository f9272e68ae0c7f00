import {
  checkJsonText,
  describeRefusal,
  maxLookupAnswerBytes,
} from '../../platform/document-limits.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';

/**
 * Reads a JSON answer from a server the flow does not control (a CRM): at
 * most `maxBytes` are read, and the bytes are checked for nesting depth
 * before `JSON.parse` sees them, so a huge or deeply nested answer fails the
 * step (`unavailable`, taking `onError`) instead of holding memory or the
 * event loop of every call on this process. `where` names the request in
 * messages, e.g. `GET https://crm.example.com/accounts`.
 *
 * @example
 * const json = await readJsonAnswer(await fetch(url), 'GET https://crm.example.com/a');
 */
export async function readJsonAnswer(
  response: Response,
  where: string,
  maxBytes: number = maxLookupAnswerBytes,
): Promise<unknown> {
  const tooLarge = () =>
    new SwitchboardError(
      'unavailable',
      `httpLookup ${where}: the answer is over ${maxBytes.toLocaleString('en-US')} bytes; at most ${maxBytes.toLocaleString('en-US')} are read`,
    );
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readAtMost(response, maxBytes);
  } catch (error) {
    // The step's deadline or hang-up aborts the read, or the connection drops.
    throw new SwitchboardError(
      'unavailable',
      `httpLookup ${where}: reading the answer failed: ${String(error)}`,
    );
  }
  if (bytes === undefined) throw tooLarge();
  const refused = checkJsonText(bytes, 'the answer', maxBytes);
  if (refused !== undefined) {
    throw new SwitchboardError('unavailable', `httpLookup ${where}: ${describeRefusal(refused)}`);
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    throw new SwitchboardError('unavailable', `httpLookup ${where} did not answer with JSON`);
  }
}

/** The body's bytes, or undefined (and the rest cancelled) once it passes `maxBytes`. */
async function readAtMost(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  if (response.body === null) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}
