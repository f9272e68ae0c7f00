import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../platform/logger.ts';
import { SwitchboardError, type ErrorCode } from '../platform/switchboard-error.ts';

/** The one place error codes become HTTP statuses. */
const httpStatusByCode: Readonly<Record<ErrorCode, number>> = {
  config_invalid: 500,
  validation_failed: 400,
  flow_invalid: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** The one JSON error shape every route answers with. */
export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly details?: unknown;
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  const body: ErrorBody = {
    error: { code: 'not_found', message: `No route for ${req.method} ${req.path}` },
  };
  res.status(404).json(body);
};

/** Turns any thrown error into the JSON shape; internals and stacks stay in the log. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let body: ErrorBody;
    let status: number;
    const known = error instanceof SwitchboardError ? error : fromPostgresError(error);
    if (known !== undefined) {
      status = httpStatusByCode[known.code];
      body = { error: { code: known.code, message: known.message, details: known.details } };
      const retryAfter = known.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') res.setHeader('retry-after', String(retryAfter));
    } else if (isBodyParserError(error)) {
      status = error.status;
      body = { error: { code: 'validation_failed', message: bodyParserMessage(error) } };
    } else {
      status = 500;
      body = { error: { code: 'internal', message: 'Internal error' } };
    }
    const log = (req as { log?: Logger }).log ?? logger;
    if (status >= 500) log.error({ err: error }, 'request failed');
    else log.info({ code: body.error.code, status }, 'request refused');
    res.status(status).json(body);
  };
}

function isBodyParserError(
  error: unknown,
): error is { status: number; message: string; type: string } {
  if (typeof error !== 'object' || error === null || !('type' in error)) return false;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status < 500;
}

/**
 * Says what was wrong with a body express.json refused: too large (413),
 * nested too deep (400, from request-body-check.ts), not JSON (400), or
 * another refusal of the reader (aborted, unsupported charset or encoding).
 */
function bodyParserMessage(error: {
  message: string;
  type: string;
  limit?: unknown;
  length?: unknown;
}): string {
  switch (error.type) {
    case 'entity.parse.failed':
      return `Request body is not valid JSON: ${error.message}`;
    case 'entity.too.large': {
      const limit = typeof error.limit === 'number' ? error.limit : undefined;
      if (limit === undefined) return `request body is too large: ${error.message}`;
      const size =
        typeof error.length === 'number'
          ? `${error.length.toLocaleString('en-US')} bytes`
          : `over ${limit.toLocaleString('en-US')} bytes`;
      return `request body is ${size}; at most ${limit.toLocaleString('en-US')} bytes are accepted`;
    }
    default:
      return error.message;
  }
}

/**
 * Constraint violations are the client's fault (a duplicate name, an unknown
 * referenced id) and get a stable code; anything else from Postgres stays a 500.
 */
function fromPostgresError(error: unknown): SwitchboardError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  const details = typeof constraint === 'string' ? { constraint } : undefined;
  switch (code) {
    case '23505':
      return new SwitchboardError('conflict', 'Already exists', details);
    case '23503':
      return new SwitchboardError('validation_failed', 'Refers to an unknown object', details);
    // 22003 (a number too large for its column), 22021 and 22P05 (NUL in text
    // or jsonb): request schemas refuse these first, naming the field
    // (request-validation.ts, the routes' bounds); one that slips past them is
    // still the client's value, not a server fault.
    case '23514':
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return new SwitchboardError('validation_failed', 'A value is out of range', details);
    case '22021':
    case '22P05':
      return new SwitchboardError(
        'validation_failed',
        'A text holds a character that cannot be stored (such as NUL)',
        details,
      );
    default:
      return undefined;
  }
}
