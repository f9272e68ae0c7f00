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
  defineLazyLog(app, options.logger);
  app.use(requestLogger(options.logger, options.ids));
  const json = express.json({ limit: '1mb' });
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
