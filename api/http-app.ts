import { setFlagsFromString } from 'node:v8';
import express, { type Express, type RequestHandler, type Router } from 'express';
import { maxRequestBodyBytes } from '../platform/document-limits.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Logger } from '../platform/logger.ts';
import { errorHandler, notFoundHandler } from './error-response.ts';
import { verifyRequestBody } from './request-body-check.ts';
import { securityHeaders } from './security-headers.ts';

// V8's allocation-site pretenuring moves an allocation site whose objects
// once survived (start-up work, a backlog) to allocating straight in the old
// generation, and seldom moves it back; afterwards short-lived request objects
// (pg rows, router closures) filled the old generation. Measured on the hot
// reads at 500 req/s for 10 s (2-core machine): GC pauses 200-260 ms in all
// by default, 105-155 ms with pretenuring off (scavenges 4-7 -> 3-5 ms, about
// 2.4 -> 1.8 MB promoted each). Set when the HTTP layer is loaded, i.e. at
// process start, before any request; it is process-wide (V8 reads it at
// each GC). Starting node with --no-allocation-site-pretenuring does the same.
setFlagsFromString('--no-allocation-site-pretenuring');

declare module 'express-serve-static-core' {
  interface Request {
    /** Child logger carrying this request's id. */
    log: Logger;
    requestId: string;
  }
}

export interface HttpAppOptions {
  readonly logger: Logger;
  readonly ids: IdGenerator;
  /** Mounted in order at the root (health) or under their own paths (api). */
  readonly routers: readonly { readonly path: string; readonly router: Router }[];
  /** WebSocket servers pages may connect to besides this origin (the softphone's SIP_WS_URI). */
  readonly connectSources?: readonly string[];
}

/** The express app: request logging, JSON bodies, the routers, then one error shape. */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // First, so even a refused body or an unknown path carries them.
  app.use(securityHeaders({ connectSources: options.connectSources ?? [] }));
  defineLazyLog(app, options.logger);
  app.use(requestLogger(options.logger, options.ids));
  // Size is bounded while reading (413), depth before JSON.parse (400).
  const json = express.json({ limit: maxRequestBodyBytes, verify: verifyRequestBody });
  // GET and HEAD carry no body: skip the parser's checks on the hot reads.
  app.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') next();
    else json(req, res, next);
  });
  for (const { path, router } of options.routers) app.use(path, router);
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}

const childLog = Symbol('childLog');

/**
 * `req.log`, the request's child logger (carrying its id), made on first use
 * (most requests never log); defined once on the app's request prototype
 * rather than on every request.
 */
function defineLazyLog(app: Express, logger: Logger): void {
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    enumerable: false,
    get(this: { requestId: string; [childLog]?: Logger }): Logger {
      return (this[childLog] ??= logger.child({ requestId: this.requestId }));
    },
    set(this: { [childLog]?: Logger }, value: Logger) {
      this[childLog] = value;
    },
  });
}

function requestLogger(logger: Logger, ids: IdGenerator): RequestHandler {
  return (req, res, next) => {
    const headerId = req.headers['x-request-id'];
    const requestId =
      typeof headerId === 'string' && /^[\w.-]{1,64}$/.test(headerId) ? headerId : ids.next();
    req.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    if (logger.isLevelEnabled('debug')) {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        req.log.debug(
          { method: req.method, path: req.path, status: res.statusCode, ms },
          'request',
        );
      });
    }
    next();
  };
}
