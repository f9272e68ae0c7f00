import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  checkJsonText,
  maxRequestBodyBytes,
  describeRefusal,
  type DocumentRefusal,
} from '../platform/document-limits.ts';

/** The error express.json passes on for a refused body; error-response.ts answers it. */
export interface RequestBodyRefusal extends Error {
  /** 413 for a body over the size limit, 400 for one nested too deep; 415 for an unknown charset. */
  readonly status: number;
  readonly type: 'body.too.large' | 'body.too.deep' | 'charset.unsupported';
  readonly expose: true;
}

/**
 * express.json's `verify` hook: body-parser calls it with the raw bytes after
 * its size limit and before `JSON.parse`, so a body nested past the depth
 * limit is refused (400) before any parser, stringify or schema touches it.
 * Throws a {@link RequestBodyRefusal}; body-parser keeps its status and type.
 *
 * @example
 * express.json({ limit: maxRequestBodyBytes, verify: verifyRequestBody });
 */
export function verifyRequestBody(
  _req: IncomingMessage,
  _res: ServerResponse,
  body: Buffer,
  encoding: string,
): void {
  let text: Buffer | string = body;
  // UTF-8 is scanned as bytes; UTF-16 is decoded first, since its code units
  // may hold a bracket's byte. body-parser only lets `utf-*` charsets through.
  if (encoding !== 'utf-8' && encoding !== 'utf8') {
    try {
      text = new TextDecoder(encoding).decode(body);
    } catch {
      throw refusal(415, 'charset.unsupported', `charset ${encoding} is not accepted; send UTF-8`);
    }
  }
  const refused = checkJsonText(text, 'request body', maxRequestBodyBytes);
  if (refused !== undefined) throw fromDocumentRefusal(refused);
}

function fromDocumentRefusal(refused: DocumentRefusal): RequestBodyRefusal {
  return refused.kind === 'too-large'
    ? refusal(413, 'body.too.large', describeRefusal(refused))
    : refusal(400, 'body.too.deep', describeRefusal(refused));
}

function refusal(
  status: number,
  type: RequestBodyRefusal['type'],
  message: string,
): RequestBodyRefusal {
  return Object.assign(new Error(message), { status, type, expose: true as const });
}
