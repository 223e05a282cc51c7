import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context.js';
import { fulfilment, fulfilmentChildren, type FulfilmentView } from '../../services/fulfilment/query.js';
import { queryOf } from '../auth.js';
import { ErrorBody } from '../errors.js';

const Fulfilment = z
  .object({
    node: z.string(),
    sector: z.string().describe('sector-tree side of the cell (NATION for a region node)'),
    region: z.string().describe('region-tree side of the cell (NATION for a sector node)'),
    product: z.string(),
    period: z.string(),
    target: z.string().nullable(),
    actual: z.string(),
    fulfilment: z.number().nullable().describe('actual / target'),
    target_to_date: z.string().nullable().describe('target due through yesterday'),
    fulfilment_to_date: z.number().nullable(),
    projected: z.string().describe('actual projected to the period end'),
    projected_low: z.string().describe('80 % interval, low'),
    projected_high: z.string().describe('80 % interval, high'),
    units_total: z.number().int(),
    units_fulfilled: z.number().int().describe('units at or above 100 % (to date while the period is open)'),
  })
  .meta({ id: 'Fulfilment' });

const Query = z.object({
  tree: z.enum(['sector', 'region']).optional(),
  node: z.string().min(1).optional().describe('node or unit code (default: the nation)'),
  sector: z.string().min(1).optional().describe('sector x region cut: sector side'),
  region: z.string().min(1).optional().describe('sector x region cut: region side'),
  product: z.string().min(1),
  period: z.string().min(1).describe('2026-2030, 2026, 2026-H1, 2026-Q3, 2026-M11, 2026-W48 or 2026-11-23'),
  format: z.enum(['json', 'csv']).optional(),
});

const COLUMNS: (keyof FulfilmentView)[] = [
  'node', 'sector', 'region', 'product', 'period', 'target', 'actual', 'fulfilment', 'target_to_date', 'fulfilment_to_date',
  'projected', 'projected_low', 'projected_high', 'units_total', 'units_fulfilled',
];

/** Fulfilment rows as CSV with a header, numbers unformatted. */
export function fulfilmentCsv(rows: readonly FulfilmentView[]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

/** A node, or a sector x region cut: within a scope when either side is. */
export const cut = (req: FastifyRequest) => {
  const q = queryOf(req);
  return [q.node, q.sector, q.region];
};

/** `GET /api/fulfilment` and `GET /api/fulfilment/children` (JSON, or CSV with `format=csv`). */
export const fulfilmentRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/api/fulfilment',
    {
      config: { permission: { need: 'read', scope: cut } },
      schema: {
        tags: ['monitoring'],
        summary: 'Target, actual, fulfilment to date and projection for a node or cut, product and period',
        querystring: Query,
        response: { 200: Fulfilment, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const f = await fulfilment(ctx, req.query);
      if (req.query.format === 'csv') return reply.type('text/csv; charset=utf-8').serializer((x: string) => x).send(fulfilmentCsv([f]) as never);
      return f;
    },
  );
  app.get(
    '/api/fulfilment/children',
    {
      config: { permission: { need: 'read', scope: cut } },
      schema: {
        tags: ['monitoring'],
        summary: "The node's own totals and each child's (sub-nodes and units) figures",
        querystring: Query,
        response: { 200: z.object({ node: Fulfilment, children: z.array(Fulfilment) }), 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const f = await fulfilmentChildren(ctx, req.query);
      if (req.query.format === 'csv') return reply.type('text/csv; charset=utf-8').serializer((x: string) => x).send(fulfilmentCsv([f.node, ...f.children]) as never);
      return f;
    },
  );
};
