import express, { type Express, type RequestHandler, type Router } from 'express';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Logger } from '../platform/logger.ts';
import { errorHandler, notFoundHandler } from './error-response.ts';

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
}

/** The express app: request logging, JSON bodies, the routers, then one error shape. */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestLogger(options.logger, options.ids));
  app.use(express.json({ limit: '1mb' }));
  for (const { path, router } of options.routers) app.use(path, router);
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}

function requestLogger(logger: Logger, ids: IdGenerator): RequestHandler {
  return (req, res, next) => {
    const headerId = req.get('x-request-id');
    const requestId =
      headerId !== undefined && /^[\w.-]{1,64}$/.test(headerId) ? headerId : ids.next();
    req.requestId = requestId;
    // The child logger is made on first use: most requests never log.
    let log: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: false,
      get: () => (log ??= logger.child({ requestId })),
      set: (value: Logger) => {
        log = value;
      },
    });
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
