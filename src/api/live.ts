import type { FastifyInstance } from 'fastify';
import { reaches } from '../domain/access.js';
import { covers } from '../services/auth/scope.js';
import type { ServiceContext } from '../services/context.js';
import { readCells, type CellFigure } from '../services/fulfilment/read-cells.js';
import type { CellDelta } from '../services/reporting/cells.js';

type Listener = (figures: CellFigure[]) => void;

/** Collects changed cells for 200 ms, reads their figures once, and hands them to every listener. */
class LiveHub {
  private readonly listeners = new Set<Listener>();
  private pending = new Map<string, CellDelta>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: ServiceContext) {}

  publish(cells: readonly CellDelta[]): void {
    if (this.listeners.size === 0 || cells.length === 0) return;
    for (const c of cells) this.pending.set(`${c.sector}|${c.region}|${c.productId}|${c.kind}|${c.period}`, c);
    this.timer ??= setTimeout(() => void this.flush(), 200);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const cells = [...this.pending.values()];
    this.pending = new Map();
    try {
      const figures = await readCells(this.ctx, cells);
      for (const l of this.listeners) l(figures);
    } catch {
      /* the next batch pushes again; a failed read must not take the server down */
    }
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

const hubs = new WeakMap<object, LiveHub>();

function hubFor(ctx: ServiceContext): LiveHub {
  let hub = hubs.get(ctx.store);
  if (!hub) hubs.set(ctx.store, (hub = new LiveHub(ctx)));
  return hub;
}

/** Tells live subscribers that these cells changed (after the batch committed). */
export function publishCells(ctx: ServiceContext, cells: readonly CellDelta[]): void {
  hubFor(ctx).publish(cells);
}

/**
 * `GET /api/stream`: Server-Sent Events; each `figures` event carries the changed cells' new figures
 * `[{"sector","region","product","kind","period","actual","reports"}]`, within a second of the report.
 */
export function registerStream(app: FastifyInstance, ctx: ServiceContext): void {
  const config = { permission: { need: 'read' as const, scope: (req: { query: unknown }) => [(req.query as { node?: string }).node] } };
  // No HEAD twin: a stream never ends, and a HEAD answer must.
  app.get('/api/stream', { config, exposeHeadRoute: false, schema: { tags: ['monitoring'], summary: 'Live changed figures (text/event-stream)' } }, async (req, reply) => {
    // A scoped principal sees only cells within its scope, whatever node it asked for.
    const p = req.principal;
    const c = p ? await covers(ctx) : undefined;
    const visible = (f: CellFigure) => !p || !c || reaches(p, f.sector, c) || reaches(p, f.region, c);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': norma live figures\n\n');
    const unsubscribe = hubFor(ctx).subscribe((figures) => {
      const node = (req.query as { node?: string }).node;
      const mine = figures.filter((f) => (!node || f.sector === node || f.region === node) && visible(f));
      if (mine.length) res.write(`event: figures\ndata: ${JSON.stringify(mine)}\n\n`);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.raw.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
  });
}
