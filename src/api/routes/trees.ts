import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context.js';
import { getTree, type TreeNodeView } from '../../services/trees.js';
import { ErrorBody } from '../errors.js';

const TreeNode: z.ZodType<TreeNodeView> = z
  .object({
    code: z.string(),
    name: z.string(),
    kind: z.string().describe('nation, sector, subsector, province, county or unit'),
    get children() {
      return z.array(TreeNode);
    },
  })
  .meta({ id: 'TreeNode' });

/** `GET /api/trees/sector` and `GET /api/trees/region`, whole or from `?node=CODE&depth=N`. */
export const treeRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/api/trees/:tree',
    {
      config: { permission: { need: 'read', scope: (req) => [(req.query as { node?: string }).node] } },
      schema: {
        tags: ['model'],
        summary: 'The sector or region tree, down to units',
        params: z.object({ tree: z.enum(['sector', 'region']) }),
        querystring: z.object({
          node: z.string().min(1).optional().describe('root of the subtree (default: the nation)'),
          depth: z.coerce.number().int().min(0).max(10).optional().describe('levels below the node (default: all)'),
        }),
        response: { 200: z.object({ root: TreeNode }), 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => ({ root: await getTree(ctx, req.params.tree, req.query) }),
  );
};
