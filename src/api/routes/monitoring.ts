import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isIsoDate } from '../../domain/iso-date.js';
import type { ServiceContext } from '../../services/context.js';
import {
  acknowledgeAlert,
  beerIndices,
  escalateAlerts,
  forecastPeriodEnd,
  getAlert,
  getRecords,
  getStandards,
  alertUnit,
  listAlerts,
  registerMonitoring,
} from '../../services/monitoring/index.js';
import { actingAs } from '../../services/context.js';
import { queryOf } from '../auth.js';
import { ErrorBody } from '../errors.js';

const Code = z.string().min(1).max(64);
const PeriodId = z.string().min(1).max(32).describe('2026-2030, 2026, 2026-H1, 2026-Q3, 2026-M11, 2026-W48 or 2026-11-23');
const IsoDay = z.string().refine(isIsoDate, { message: 'not a calendar date YYYY-MM-DD' });

const Alert = z
  .object({
    id: z.number().int(),
    type: z.enum(['trend', 'implausible']).describe('trend: a break in the daily output; implausible: output the inputs consumed cannot explain'),
    level: z.enum(['alert', 'crisis']),
    status: z.enum(['open', 'acknowledged', 'closed']),
    unit: z.string(),
    product: z.string(),
    opened_on: z.string().describe('report day that opened it'),
    opened_at: z.string(),
    last_day: z.string().describe('last report day that was not normal'),
    escalated_to: z.string().describe('node now responsible: the unit, its county, its province or NATION'),
    escalation: z.enum(['unit', 'county', 'province', 'nation', 'region']),
    acknowledged_by: z.string().nullable(),
    acknowledged_at: z.string().nullable(),
    acknowledge_note: z.string().nullable(),
    closed_on: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).describe('the filter or plausibility evidence of the last signal'),
  })
  .meta({ id: 'Alert' });

const Escalation = z.object({ step: z.number().int(), from: z.string(), to: z.string(), due_on: z.string(), at: z.string() });
const AlertWithHistory = Alert.extend({ escalations: z.array(Escalation) }).meta({ id: 'AlertWithHistory' });

const RecordEvent = z.object({
  id: z.number().int(),
  product: z.string(),
  scope: z.enum(['day', 'month']),
  period: z.string(),
  quantity: z.string(),
  previous_period: z.string().nullable(),
  previous_quantity: z.string().nullable(),
  at: z.string(),
  withdrawn_at: z.string().nullable().describe('set when a correction disproved the record'),
  withdrawn_reason: z.string().nullable(),
});

const Records = z
  .object({
    unit: z.string(),
    records: z.array(
      z.object({
        product: z.string(),
        best_day: z.object({ date: z.string(), quantity: z.string() }).nullable(),
        best_month: z.object({ period: z.string(), quantity: z.string() }).nullable(),
      }),
    ),
    events: z.array(RecordEvent),
  })
  .meta({ id: 'Records' });

const StandardMonth = z.object({
  period: z.string(),
  total: z.string(),
  working_days: z.number().int(),
  per_worker_day: z.number(),
  record: z.string(),
});
const Standards = z
  .object({
    unit: z.string(),
    workers: z.number().int(),
    proposals: z.array(
      z.object({
        id: z.number().int(),
        product: z.string(),
        last_month: z.string(),
        months: z.array(z.string()),
        workers: z.number().int(),
        current_standard: z.string().nullable().describe('plan per worker per working day'),
        proposed_standard: z.string().describe('output per worker per working day sustained in every month of the window'),
        status: z.enum(['proposed', 'accepted', 'rejected']),
        basis: z.object({ tolerance: z.number(), months: z.array(StandardMonth) }),
        created_at: z.string(),
        updated_at: z.string(),
      }),
    ),
  })
  .meta({ id: 'Standards' });

const Indices = z
  .object({
    unit: z.string(),
    product: z.string(),
    period: z.string(),
    working_days: z.number().int(),
    working_days_counted: z.number().int().describe('working days of the period up to as_of'),
    as_of: z.string().nullable(),
    works_rest_days: z.boolean(),
    capacity_per_day: z.string().nullable(),
    actuality: z.string().describe('output reported in the period'),
    capability: z.string().nullable().describe('best-month rate x working days counted, at most the potentiality'),
    potentiality: z.string().nullable().describe('capacity per day x working days counted'),
    productivity: z.number().nullable().describe('actuality / capability'),
    latency: z.number().nullable().describe('capability / potentiality'),
    performance: z.number().nullable().describe('actuality / potentiality'),
    record_month: z.object({ period: z.string(), quantity: z.string(), working_days: z.number().int(), per_day: z.string() }).nullable(),
  })
  .meta({ id: 'BeerIndices' });

const Forecast = z
  .object({
    actual: z.string().describe('output reported in the period so far'),
    projected: z.string().describe('expected period-end total'),
    projected_low: z.string().describe('low end of the interval (80 % by default)'),
    projected_high: z.string().describe('high end of the interval'),
  })
  .meta({ id: 'PeriodEndForecast' });

const SeriesQuery = z.object({ unit: Code, product: Code, period: PeriodId });

/**
 * Records, standards, Beer's indices, period-end forecasts and alerts. Registering it also
 * registers the monitoring report hook, so a server that serves these routes keeps them current.
 */
export const monitoringRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  registerMonitoring();
  const unitScope = (req: FastifyRequest) => [queryOf(req).unit];
  // An alert belongs to its unit: whoever reaches the unit reaches the alert.
  const alertScope = async (req: FastifyRequest) => [await alertUnit(ctx, Number((req.params as { id: number }).id))];
  app.get(
    '/api/alerts',
    {
      config: { permission: { need: 'read', scope: (req) => [queryOf(req).node] } },
      schema: {
        tags: ['monitoring'],
        summary: 'Early warnings, newest first',
        querystring: z.object({
          node: Code.optional().describe('a tree node or unit: alerts of units under it in either tree, or escalated to it'),
          status: z.enum(['open', 'acknowledged', 'closed']).optional(),
          level: z.enum(['alert', 'crisis']).optional(),
          type: z.enum(['trend', 'implausible']).optional(),
          limit: z.coerce.number().int().min(1).max(5000).optional().describe('at most this many (default 1000)'),
        }),
        response: { 200: z.array(Alert), 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => listAlerts(ctx, req.query),
  );
  app.post(
    '/api/alerts/escalate',
    {
      config: { permission: { need: 'manage', scope: 'national' } },
      schema: {
        tags: ['monitoring'],
        summary: 'Move unacknowledged alerts up the region tree now (the server also does it on a timer)',
        body: z.object({ today: IsoDay.optional().describe('the date to escalate as of (default: today)') }).nullish().describe('optional'),
        response: {
          200: z.object({
            today: z.string(),
            steps: z.array(z.object({ alert: z.number().int(), step: z.number().int(), from: z.string(), to: z.string(), due_on: z.string() })),
          }),
          400: ErrorBody,
        },
      },
    },
    async (req) => {
      const today = req.body?.today ?? ctx.today();
      return { today, steps: await escalateAlerts(actingAs(ctx, req.principal), today) };
    },
  );
  app.get(
    '/api/alerts/:id',
    {
      config: { permission: { need: 'read', scope: alertScope } },
      schema: {
        tags: ['monitoring'],
        summary: 'One alert with its escalation history',
        params: z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) }),
        response: { 200: AlertWithHistory, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => getAlert(ctx, req.params.id),
  );
  app.post(
    '/api/alerts/:id/acknowledge',
    {
      config: { permission: { need: 'write', scope: alertScope } },
      schema: {
        tags: ['monitoring'],
        summary: 'Acknowledge an open alert: it stops moving up the tree',
        params: z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) }),
        body: z.object({ by: z.string().min(1).max(200).optional().describe('ignored when signed in: the account or token acknowledges'), note: z.string().max(1000).optional() }),
        response: { 200: AlertWithHistory, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (req) => acknowledgeAlert(actingAs(ctx, req.principal), req.params.id, req.body ?? {}),
  );
  app.get(
    '/api/records',
    {
      config: { permission: { need: 'read', scope: unitScope } },
      schema: {
        tags: ['monitoring'],
        summary: "A unit's best day and best month per product, and its record events",
        querystring: z.object({ unit: Code, product: Code.optional() }),
        response: { 200: Records, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => getRecords(ctx, req.query.unit, req.query.product),
  );
  app.get(
    '/api/standards',
    {
      config: { permission: { need: 'read', scope: unitScope } },
      schema: {
        tags: ['monitoring'],
        summary: "Proposals to raise a unit's standards after sustained records",
        querystring: z.object({ unit: Code }),
        response: { 200: Standards, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => getStandards(ctx, req.query.unit),
  );
  app.get(
    '/api/indices',
    {
      config: { permission: { need: 'read', scope: unitScope } },
      schema: {
        tags: ['monitoring'],
        summary: "Beer's indices: actuality, capability, potentiality, productivity, latency, performance",
        querystring: SeriesQuery,
        response: { 200: Indices, 400: ErrorBody, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => beerIndices(ctx, req.query.unit, req.query.product, req.query.period),
  );
  app.get(
    '/api/forecast',
    {
      config: { permission: { need: 'read', scope: unitScope } },
      schema: {
        tags: ['monitoring'],
        summary: "Period-end forecast of a unit's output from its trend filter, with an interval",
        querystring: SeriesQuery,
        response: { 200: Forecast, 400: ErrorBody, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => forecastPeriodEnd(ctx, req.query.unit, req.query.product, req.query.period),
  );
};
