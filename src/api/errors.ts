import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../domain/errors.js';
import { NormaError, type ErrorDetail } from '../services/errors.js';
import { StoreError } from '../store/index.js';

/** The one JSON shape of every error response. */
export const ErrorBody = z
  .object({
    error: z.string().describe('stable error code, e.g. NORMA_ERR_NOT_FOUND'),
    message: z.string(),
    details: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'Error' });

interface ZodIssueLike {
  instancePath?: string;
  message?: string;
  params?: { issue?: { path?: (string | number)[]; message?: string } };
}

function validationDetails(err: FastifyError): ErrorDetail[] {
  const where = err.validationContext ?? 'request';
  return (err.validation ?? []).map((v) => {
    const issue = (v as ZodIssueLike).params?.issue;
    const path = issue?.path ?? [];
    const field = path.length ? path.join('.') : (v as ZodIssueLike).instancePath?.replace(/^\//, '').replaceAll('/', '.') || where;
    return { field, reason: issue?.message ?? v.message ?? 'invalid', in: where };
  });
}

// NUL and unpaired surrogates cannot be stored in PostgreSQL text or jsonb.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (or key) holding NUL or an unpaired surrogate in a parsed request part, or null. */
export function findUnstorable(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path || 'value' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findUnstorable(value[i], `${path}.${i}`);
      if (hit) return hit;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (UNSTORABLE.test(k)) return `${path}.${k}`;
      const hit = findUnstorable(v, path ? `${path}.${k}` : k);
      if (hit) return hit;
    }
  }
  return null;
}

/**
 * Shared root error handling: coded errors keep their status; schema failures become 400 with the
 * fields named; anything unexpected is a 500 without internals in the body.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  // NUL and unpaired surrogates cannot be stored in PostgreSQL: refuse them up front, naming the field.
  app.addHook('preValidation', async (req) => {
    // A report batch checks its own rows, so a bad note is named by row (422) like every other row problem.
    const ownRows = (req.routeOptions.config as { checksOwnRows?: boolean } | undefined)?.checksOwnRows === true;
    for (const [where, part] of [['query', req.query], ['params', req.params], ['body', ownRows ? undefined : req.body]] as const) {
      const field = findUnstorable(part);
      if (field) {
        throw new NormaError('NORMA_ERR_BAD_REQUEST', `invalid ${where} field ${field.replace(/^\./, '')}: contains NUL or an unpaired surrogate`, [
          { field: field.replace(/^\./, ''), reason: 'contains NUL (U+0000) or an unpaired surrogate', in: where },
        ]);
      }
    }
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof NormaError) {
      return reply.code(err.status).send({ error: err.code, message: err.message, details: err.details });
    }
    if (err instanceof DomainError) {
      const d = err.details as { field?: string };
      return reply.code(400).send({
        error: err.code,
        message: err.message,
        details: [{ ...err.details, field: d.field ?? 'input', reason: err.message }],
      });
    }
    if (hasZodFastifySchemaValidationErrors(err) || err.validation) {
      const details = validationDetails(err);
      const first = details[0];
      return reply.code(400).send({
        error: 'NORMA_ERR_BAD_REQUEST',
        message: first ? `invalid ${first.in} field ${first.field}: ${first.reason}` : 'invalid request',
        details,
      });
    }
    if ((err as unknown) instanceof StoreError && (err as unknown as StoreError).sqlState === '22021') {
      // A character the database cannot store (NUL) that slipped past the request checks.
      return reply.code(400).send({ error: 'NORMA_ERR_BAD_REQUEST', message: 'the request holds a character that cannot be stored (NUL)', details: [{ field: 'request', reason: 'contains NUL' }] });
    }
    const status = err.statusCode ?? 500;
    if (status === 429) {
      const limit = (err as { limit?: number }).limit;
      return reply.code(429).send({ error: 'NORMA_ERR_RATE_LIMITED', message: err.message, details: [{ field: 'rate', reason: `limit ${limit ?? '?'} per minute` }] });
    }
    if (status >= 400 && status < 500) {
      return reply.code(status).send({
        error: status === 413 ? 'NORMA_ERR_TOO_LARGE' : 'NORMA_ERR_BAD_REQUEST',
        message: err.message,
        details: [],
      });
    }
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).send({ error: 'NORMA_ERR_INTERNAL', message: 'internal error; see the server log', details: [] });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      error: 'NORMA_ERR_NOT_FOUND',
      message: `no route ${req.method} ${req.url.split('?')[0]}`,
      details: [],
    }),
  );
}
