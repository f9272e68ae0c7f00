import { extname } from 'node:path';
import type { Kysely } from 'kysely';
import { loadFlow } from '../ivr/load-flow.ts';
import { SwitchboardError } from '../platform/switchboard-error.ts';
import type { Database } from '../sql/database.ts';
import { FlowPublicationRepository } from '../sql/repositories/flow-publication-repository.ts';

export interface PublishRequest {
  readonly file: string;
  /** DID to point at the flow, e.g. +15550000000. */
  readonly number?: string;
  /** Email of the admin publishing, for the audit trail. */
  readonly by?: string;
  readonly now: Date;
}

const didPattern = /^\+?[0-9]{2,20}$/;
const flowNamePattern = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Validates a flow file exactly as `flows validate` does, then stores it as a
 * new published version (and points the number at it). Nothing is stored when
 * the file has any problem.
 */
export async function publishFlowFile(db: Kysely<Database>, request: PublishRequest) {
  const flow = await loadFlow(request.file);
  if (!flowNamePattern.test(flow.id)) {
    throw new SwitchboardError(
      'flow_invalid',
      `${request.file}: flow id "${flow.id}" must be lower-case letters, digits, '-' or '_' to be published`,
    );
  }
  if (request.number !== undefined && !didPattern.test(request.number)) {
    throw new SwitchboardError(
      'validation_failed',
      `--number "${request.number}" is not a phone number (digits, optional leading +)`,
    );
  }
  const repository = new FlowPublicationRepository(db);
  let publishedBy: string | null = null;
  if (request.by !== undefined) {
    publishedBy = (await repository.userIdByEmail(request.by)) ?? null;
    if (publishedBy === null)
      throw new SwitchboardError('not_found', `--by: no user with email ${request.by}`);
  }
  const stored = await repository.publishNewVersion({
    name: flow.id,
    definition: { ...flow.config },
    sourceFormat: extname(request.file) === '.json' ? 'json' : 'yaml',
    ...(request.number !== undefined ? { number: request.number } : {}),
    publishedBy,
    actorLabel: request.by ?? 'cli',
    now: request.now,
  });
  return { name: flow.id, version: stored.version, id: stored.id };
}
