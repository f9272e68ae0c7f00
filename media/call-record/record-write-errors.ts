/** How the call record writer tells Postgres's answers apart: retry, wait for the call, or set aside. */

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** SQLSTATE 23503, foreign key violation: a leg, event or recording of a call not written yet. */
export function isMissingCall(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23503';
}

/** Postgres SQLSTATE classes 22 (data exception) and 23 (integrity constraint): retrying cannot help. */
export function isRefusedForContent(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}
