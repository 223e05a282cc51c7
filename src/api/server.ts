import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { NORMA_VERSION, type ServiceContext } from '../services/context.js';
import { registerAuth } from './auth.js';
import { registerErrorHandling } from './errors.js';
import { accessRoutes } from './routes/access.js';
import { catalogueRoutes } from './routes/catalogue.js';
import { healthRoutes } from './routes/health.js';
import { monitoringRoutes } from './routes/monitoring.js';
import { periodRoutes } from './routes/periods.js';
import { reportImportRoutes } from './routes/report-import.js';
import { treeRoutes } from './routes/trees.js';
import { reportRoutes } from './routes/reports.js';
import { fulfilmentRoutes } from './routes/fulfilment.js';
import { registerStream } from './live.js';

export interface ServerOptions {
  readonly logger?: boolean;
  /** A value that is a valid admin API token (default: NORMA_ADMIN_TOKEN). */
  readonly adminToken?: string;
  /** Requests per minute per token, session or address; 0 turns limits off (default: NORMA_RATE_LIMIT, else 1200). */
  readonly rateLimit?: number;
  /** Whether the session cookie is marked Secure (default: true unless NORMA_COOKIE_SECURE=0). */
  readonly secureCookies?: boolean;
}

function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number >= 0, got ${JSON.stringify(v)}`);
  return n;
}

/** Time allowed to receive a whole request (a million-row upload on a slow line fits), from NORMA_REQUEST_TIMEOUT_S. */
const REQUEST_TIMEOUT_MS = envNumber('NORMA_REQUEST_TIMEOUT_S', 300) * 1000;

/**
 * Builds the HTTP API over a service context; call `listen` on the result.
 * @example const app = await buildServer(ctx); await app.listen({ port: 8080, host: '127.0.0.1' });
 */
export async function buildServer(ctx: ServiceContext, opts: ServerOptions = {}): Promise<FastifyInstance> {
  // Live streams never end by themselves: close every connection on shutdown.
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 8 * 1024 * 1024,
    forceCloseConnections: true,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionTimeout: REQUEST_TIMEOUT_MS,
    // Errors Fastify raises before routing (a bad percent-escape, an over-long parameter) get the
    // same {error, message, details} shape as every other error.
    frameworkErrors: (err, _req, res) => {
      const status = (err as { statusCode?: number }).statusCode ?? 400;
      const reply = res as unknown as { code(n: number): { send(body: unknown): unknown } };
      void reply.code(status >= 400 && status < 500 ? status : 400).send({
        error: 'NORMA_ERR_BAD_REQUEST',
        message: err.message,
        details: [{ field: 'url', reason: err.message }],
      });
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  await app.register(cookie);
  await app.register(helmet, {
    // The API docs page loads its own script and styles; everything else is JSON or CSV.
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"] } },
    hsts: false, // TLS is terminated in front of Norma; the proxy sets HSTS for its own name
  });
  registerAuth(app, ctx, { adminToken: opts.adminToken ?? (process.env.NORMA_ADMIN_TOKEN || undefined) });
  const perMinute = opts.rateLimit ?? envNumber('NORMA_RATE_LIMIT', 1200);
  if (perMinute > 0) {
    await app.register(rateLimit, {
      max: perMinute,
      timeWindow: 60_000,
      // After authentication: the limit belongs to the token or session, not to a shared address.
      keyGenerator: (req) =>
        req.principal ? `${req.principal.via}:${req.principal.tokenId ?? req.principal.accountId ?? req.principal.name}` : `ip:${req.ip}`,
      // Thrown to the shared error handler, which words every error the same way.
      errorResponseBuilder: (_req, c) =>
        Object.assign(new Error(`more than ${c.max} requests a minute; retry in ${Math.ceil(c.ttl / 1000)} s`), { statusCode: 429, limit: c.max }),
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Norma API', version: NORMA_VERSION, description: 'Planning and plan fulfilment' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'an API token (POST /api/tokens) or NORMA_ADMIN_TOKEN' },
          session: { type: 'apiKey', in: 'cookie', name: 'norma_session', description: 'a web session (POST /api/session); changes need X-CSRF-Token' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true }, config: { permission: { need: 'open' } } }, async () => app.swagger());

  const typed = app.withTypeProvider<ZodTypeProvider>();
  await typed.register(healthRoutes, { ctx });
  await typed.register(treeRoutes, { ctx });
  await typed.register(catalogueRoutes, { ctx });
  await typed.register(periodRoutes, { ctx });
  await typed.register(reportImportRoutes, { ctx });
  await typed.register(reportRoutes, { ctx });
  await typed.register(fulfilmentRoutes, { ctx });
  await typed.register(monitoringRoutes, { ctx });
  await typed.register(accessRoutes, { ctx, secureCookies: opts.secureCookies ?? process.env.NORMA_COOKIE_SECURE !== '0' });
  registerStream(app, ctx);
  await app.ready();
  return app;
}
