import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context.js';
import { describePeriod } from '../../services/periods.js';
import { ErrorBody } from '../errors.js';

const PeriodBody = z
  .object({
    id: z.string(),
    kind: z.enum(['plan', 'year', 'half', 'quarter', 'month', 'week', 'day']),
    label: z.string(),
    start: z.string(),
    end: z.string().describe('last day, included'),
    parent: z.string().nullable(),
    children: z.array(z.string()),
    working_day_count: z.number().int(),
    working_days: z.array(z.string()),
  })
  .meta({ id: 'Period' });

/** `GET /api/periods/:id`. */
export const periodRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/api/periods/:id',
    {
      config: { permission: { need: 'published' } },
      schema: {
        tags: ['model'],
        summary: 'A period (2026-2030, 2026, 2026-H1, 2026-Q3, 2026-M11, 2026-W48, 2026-11-23) with parent, children and working days',
        params: z.object({ id: z.string().min(1).max(32) }),
        querystring: z.object({ region: z.string().min(1).optional().describe('apply this region’s calendar overrides') }),
        response: { 200: PeriodBody, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => describePeriod(ctx, req.params.id, req.query.region),
  );
};
