import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { CallRepository } from '../../sql/repositories/call-repository.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import { scopeCovers } from '../access/access-scope.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import { uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';
import { parseByteRange } from './byte-range.ts';

const mediaTypes: Readonly<Record<string, string>> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
};

/**
 * Recording audio, streamed with HTTP Range so players can seek. Every access
 * (including each range request) is audited before a byte is sent.
 */
export function recordingRoutes(deps: {
  calls: CallRepository;
  audit: AuditTrail;
  /** Directory holding recording files; a storage URI never escapes it. */
  recordingsDir: string;
}): RouteDefinition[] {
  const root = path.resolve(deps.recordingsDir);
  return [
    defineRoute({
      method: 'get',
      path: '/recordings/:recordingId/audio',
      tag: 'recordings',
      summary: 'Stream a recording (supports Range); every access is audited',
      minimumRole: 'agent',
      params: z.object({ recordingId: uuid }),
      produces: 'audio/wav',
      authorize: async ({ params, scope }) => {
        const rec = await deps.calls.findRecording(params.recordingId);
        requireVisible(
          rec !== undefined &&
            scopeCovers(await scope(), { agentId: rec.agent_id, queueId: rec.queue_id }),
          'Recording',
        );
      },
      handler: async ({ params, req, res, principal }) => {
        const rec = (await deps.calls.findRecording(params.recordingId))!;
        const file = resolveInside(root, rec.storage_uri);
        const size = (await stat(file).catch(() => undefined))?.size;
        if (size === undefined)
          throw new SwitchboardError('not_found', 'Recording file is missing');
        const range = parseByteRange(req.get('range'), size);
        await deps.audit.record({
          actor: principal,
          action: 'recording.access',
          targetType: 'recording',
          targetId: rec.id,
          sourceAddress: req.ip ?? null,
          details: {
            callId: rec.call_id,
            range: range === undefined ? null : range === 'unsatisfiable' ? 'unsatisfiable' : range,
          },
        });
        res.setHeader('accept-ranges', 'bytes');
        res.setHeader('content-type', mediaTypes[rec.format] ?? 'application/octet-stream');
        res.setHeader('cache-control', 'private, no-store');
        if (range === 'unsatisfiable') {
          res.status(416).setHeader('content-range', `bytes */${size}`).end();
          return undefined;
        }
        const { start, end } = range ?? { start: 0, end: size - 1 };
        if (range !== undefined) {
          res.status(206).setHeader('content-range', `bytes ${start}-${end}/${size}`);
        }
        res.setHeader('content-length', String(end - start + 1));
        await pipeline(createReadStream(file, { start, end }), res);
        return undefined;
      },
    }),
  ];
}

/** `file:///var/rec/a.wav`, `/var/rec/a.wav` or `a.wav`, refused unless inside `root`. */
function resolveInside(root: string, storageUri: string): string {
  const raw = storageUri.startsWith('file://') ? new URL(storageUri).pathname : storageUri;
  const file = path.resolve(root, raw);
  if (file !== root && !file.startsWith(root + path.sep)) {
    throw new SwitchboardError('not_found', 'Recording file is outside the recordings directory');
  }
  return file;
}
