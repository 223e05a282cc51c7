import Fastify, { type FastifyInstance } from 'fastify';
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
import { registerErrorHandling } from './errors.js';
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
}

/**
 * Builds the HTTP API over a service context; call `listen` on the result.
 * @example const app = await buildServer(ctx); await app.listen({ port: 8080, host: '127.0.0.1' });
 */
export async function buildServer(ctx: ServiceContext, opts: ServerOptions = {}): Promise<FastifyInstance> {
  // Live streams never end by themselves: close every connection on shutdown.
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 8 * 1024 * 1024, forceCloseConnections: true });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Norma API', version: NORMA_VERSION, description: 'Planning and plan fulfilment' },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const typed = app.withTypeProvider<ZodTypeProvider>();
  await typed.register(healthRoutes, { ctx });
  await typed.register(treeRoutes, { ctx });
  await typed.register(catalogueRoutes, { ctx });
  await typed.register(periodRoutes, { ctx });
  await typed.register(reportImportRoutes, { ctx });
  await typed.register(reportRoutes, { ctx });
  await typed.register(fulfilmentRoutes, { ctx });
  await typed.register(monitoringRoutes, { ctx });
  registerStream(app, ctx);
  await app.ready();
  return app;
}
