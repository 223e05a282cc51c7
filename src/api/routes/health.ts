import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NORMA_VERSION, type ServiceContext } from '../../services/context.js';

/** `GET /api/health`: liveness and which store is in use. */
export const healthRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/api/health',
    {
      config: { permission: { need: 'open' } },
      schema: {
        tags: ['system'],
        summary: 'Liveness, store kind and version',
        response: {
          200: z.object({ status: z.literal('ok'), store: z.enum(['pglite', 'postgres']), version: z.string() }),
        },
      },
    },
    async () => {
      await ctx.store.query('select 1');
      return { status: 'ok' as const, store: ctx.store.kind, version: NORMA_VERSION };
    },
  );
};
