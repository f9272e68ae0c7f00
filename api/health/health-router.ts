import { Router } from 'express';
import { runProbes, type ReadinessProbe } from './readiness-probe.ts';

export interface HealthOptions {
  readonly probes: readonly ReadinessProbe[];
  /** True once shutdown has begun: the instance must leave the load balancer. */
  readonly isDraining: () => boolean;
  readonly probeTimeoutMs?: number;
  /** Faults the process survived (platform/process-faults.ts); each one is a defect to look into. */
  readonly faults?: () => number;
}

/**
 * `GET /healthz`: the process is alive, and how many faults (unhandled
 * rejections, uncaught exceptions, failed SIP handlers) it has survived.
 * `GET /readyz`: Postgres and Redis
 * answer and the instance is not draining; drachtio and FreeSWITCH states are
 * reported beside them.
 */
export function createHealthRouter(options: HealthOptions): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'alive', faults: options.faults?.() ?? 0 });
  });
  router.get('/readyz', async (_req, res) => {
    const components = await runProbes(options.probes, options.probeTimeoutMs ?? 1_000);
    const draining = options.isDraining();
    const ready = !draining && components.every((c) => c.ok || !c.required);
    res.status(ready ? 200 : 503).json({
      status: draining ? 'draining' : ready ? 'ready' : 'unready',
      components,
    });
  });
  return router;
}
