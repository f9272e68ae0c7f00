import { FileCallRecordSpool } from '../media/call-record/file-call-record-spool.ts';
import type { Logger } from '../platform/logger.ts';

/**
 * The call record spool, or none (logged) when its directory cannot be used:
 * calls are still taken, with records held in memory only.
 */
export function openCallRecordSpool(dir: string, logger: Logger): FileCallRecordSpool | undefined {
  try {
    const spool = new FileCallRecordSpool({ dir });
    if (spool.size > 0)
      logger.info({ dir, records: spool.size }, 'voice: writing spooled call records');
    return spool;
  } catch (error) {
    logger.error(
      { dir, err: error instanceof Error ? error.message : String(error) },
      'voice: call record spool unusable (CALL_RECORD_SPOOL_DIR); records are kept in memory only',
    );
    return undefined;
  }
}
