import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context.js';
import { getUnit, listProducts } from '../../services/catalogue.js';
import { ErrorBody } from '../errors.js';

const Product = z
  .object({
    code: z.string(),
    name: z.string(),
    unit: z.string().describe('unit of measure, e.g. t, MWh, flats'),
    aggregation: z.enum(['sum', 'weighted_mean']),
    goal: z.boolean().describe('one of the major goals of the national economy'),
  })
  .meta({ id: 'Product' });

const ProductRef = z.object({ code: z.string(), name: z.string(), unit: z.string() });
const Unit = z
  .object({
    code: z.string(),
    name: z.string(),
    kind: z.string(),
    sector: z.object({ code: z.string(), name: z.string() }).describe('parent in the sector tree'),
    region: z.object({ code: z.string(), name: z.string() }).describe('parent in the region tree'),
    workers: z.number().int(),
    capacity: z.array(z.object({ product: z.string(), unit: z.string(), per_day: z.string() })),
    products: z.array(ProductRef),
    consumes: z.array(ProductRef),
  })
  .meta({ id: 'Unit' });

/** `GET /api/products` and `GET /api/units/:code`. */
export const catalogueRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/api/products',
    { config: { permission: { need: 'published' } }, schema: { tags: ['model'], summary: 'Products and indicators', response: { 200: z.array(Product) } } },
    async () => listProducts(ctx),
  );
  app.get(
    '/api/units/:code',
    {
      config: { permission: { need: 'read', scope: (req) => [(req.params as { code?: string }).code] } },
      schema: {
        tags: ['model'],
        summary: 'One unit: its parents in both trees, capacity and products',
        params: z.object({ code: z.string().min(1).max(64) }),
        response: { 200: Unit, 404: ErrorBody },
      },
    },
    async (req) => getUnit(ctx, req.params.code),
  );
};
