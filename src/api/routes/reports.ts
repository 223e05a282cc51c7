import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context.js';
import { reportHistory } from '../../services/reporting/history.js';
import { completeness } from '../../services/reporting/completeness.js';
import { submitReports } from '../../services/reporting/submit.js';
import { publishCells } from '../live.js';
import { actingAs } from '../../services/context.js';
import { queryOf } from '../auth.js';
import { ErrorBody } from '../errors.js';
import { cut } from './fulfilment.js';

export const ReportSummary = z
  .object({
    rows: z.number().int(),
    imported: z.number().int().describe('new figures'),
    corrected: z.number().int().describe('figures replaced by a new version'),
    unchanged: z.number().int().describe('rows equal to the figure in force'),
  })
  .meta({ id: 'ReportSummary' });

// Rows are checked by the service, which names row and field for every problem; the schema only
// fixes the envelope so that one bad row never hides the others.
const ReportBatch = z.object({
  reports: z
    .array(z.record(z.string(), z.unknown()))
    .min(1)
    .max(100_000)
    .describe('[{"unit","product","date","quantity","kind"?: "output"|"consumption","note"?}]'),
});

const MAX_KEY = 200;

/** `POST /api/reports` and `GET /api/reports/history`. */
export const reportRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.post(
    '/api/reports',
    {
      bodyLimit: 32 * 1024 * 1024,
      config: { permission: { need: 'write', scope: 'service' }, checksOwnRows: true },
      schema: {
        tags: ['reporting'],
        summary: 'Report actual output or consumption; all rows or none',
        description: 'With an Idempotency-Key header a repeated request returns the first response and changes nothing.',
        headers: z.object({ 'idempotency-key': z.string().min(1).max(MAX_KEY).optional() }),
        body: ReportBatch,
        response: { 200: ReportSummary, 400: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      const result = await submitReports(actingAs(ctx, req.principal), req.body.reports, {
        by: req.principal?.name ?? 'api',
        rowBase: 0,
        idempotencyKey: req.headers['idempotency-key'],
      });
      publishCells(ctx, result.cells);
      return result.summary;
    },
  );

  app.get(
    '/api/reports/history',
    {
      config: { permission: { need: 'read', scope: (req) => [queryOf(req).unit] } },
      schema: {
        tags: ['reporting'],
        summary: 'Every version of one report, oldest first',
        querystring: z.object({
          unit: z.string().min(1),
          product: z.string().min(1),
          date: z.iso.date(),
          kind: z.enum(['output', 'consumption']).optional(),
        }),
        response: {
          200: z.object({
            versions: z.array(
              z.object({
                version: z.number().int(),
                quantity: z.string(),
                reported_at: z.string(),
                reported_by: z.string(),
                note: z.string().nullable(),
              }),
            ),
          }),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (req) => ({ versions: await reportHistory(ctx, req.query) }),
  );

  app.get(
    '/api/completeness',
    {
      config: { permission: { need: 'read', scope: cut } },
      schema: {
        tags: ['reporting'],
        summary: 'Completeness and timeliness of output reports for a node and period, to date',
        description: 'expected = working days (every day for units that work every day) x unit-products, through yesterday; a report is late after the unit\'s daily deadline.',
        querystring: z.object({
          tree: z.enum(['sector', 'region']).optional(),
          node: z.string().min(1).optional(),
          sector: z.string().min(1).optional(),
          region: z.string().min(1).optional(),
          period: z.string().min(1),
        }),
        response: {
          200: z.object({
            node: z.string(),
            period: z.string(),
            through: z.string().nullable(),
            expected: z.number().int(),
            received: z.number().int(),
            on_time: z.number().int(),
            completeness: z.number().nullable(),
            timeliness: z.number().nullable(),
          }),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (req) => completeness(ctx, req.query),
  );
};
