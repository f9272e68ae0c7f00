/**
 * One dependency's health, as `/readyz` reports it. Required probes decide
 * readiness (Postgres, Redis); the others are reported only (drachtio,
 * FreeSWITCH), so the API stays up while a media server restarts.
 */
export interface ReadinessProbe {
  readonly name: string;
  readonly required: boolean;
  /** Resolves with a short state word ('ok', 'connected'); rejects with the reason it is not. */
  check(): Promise<string>;
}

export interface ProbeReport {
  readonly name: string;
  readonly required: boolean;
  readonly ok: boolean;
  readonly state: string;
}

/** Runs every probe at once, each bounded by `timeoutMs`, and never rejects. */
export async function runProbes(
  probes: readonly ReadinessProbe[],
  timeoutMs: number,
): Promise<ProbeReport[]> {
  return Promise.all(
    probes.map(async (probe): Promise<ProbeReport> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const state = await Promise.race([probe.check(), timeout]);
        return { name: probe.name, required: probe.required, ok: true, state };
      } catch (error) {
        const state = error instanceof Error ? error.message : String(error);
        return { name: probe.name, required: probe.required, ok: false, state };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}
