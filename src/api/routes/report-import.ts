import type { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingAs, type ServiceContext } from '../../services/context.js';
import { NormaError } from '../../services/errors.js';
import { MAX_IMPORT_ROWS, importReports } from '../../services/reporting/import-file.js';
import { ErrorBody } from '../errors.js';
import { publishCells } from '../live.js';

/** Largest report file accepted, in bytes (256 MiB). */
export const MAX_IMPORT_FILE_BYTES = 256 * 1024 * 1024;

const ImportSummary = z
  .object({
    rows: z.number().int().describe('data rows in the file'),
    imported: z.number().int().describe('first figures for a unit, product, kind and day'),
    corrected: z.number().int().describe('new versions of a figure already reported'),
    unchanged: z.number().int().describe('rows equal to the figure in force'),
  })
  .meta({ id: 'ImportSummary' });

class UploadTooLarge extends Error {}
class UploadBroken extends Error {}

/**
 * The upload's chunks for the importer, which may stop reading early (a bad header, too many rows,
 * the first worksheet done): its stopping does not close the upload, and `drain` then reads the
 * rest so the client finishes sending before it gets the answer.
 */
function upload(file: Readable & { truncated?: boolean }) {
  const it = file.iterator({ destroyOnReturn: false }) as AsyncIterator<Buffer>;
  let done = false;
  const next = async (): Promise<IteratorResult<Buffer>> => {
    if (done) return { done: true, value: undefined };
    let r: IteratorResult<Buffer>;
    try {
      r = await it.next();
    } catch (e) {
      done = true;
      throw new UploadBroken((e as Error)?.message ?? String(e));
    }
    if (r.done) {
      done = true;
      // busboy ends a file cut at the size limit like a whole one; only `truncated` tells.
      if (file.truncated) throw new UploadTooLarge();
    }
    return r;
  };
  return {
    chunks: { [Symbol.asyncIterator]: () => ({ next, return: async () => ({ done: true as const, value: undefined }) }) },
    async drain(): Promise<void> {
      try {
        while (!(await next()).done);
      } catch {
        // the answer already says what went wrong
      }
    },
  };
}

function tooLarge(reply: FastifyReply) {
  const reason = `larger than ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MiB`;
  return reply.code(413).send({ error: 'NORMA_ERR_TOO_LARGE', message: `the file is ${reason}; split it`, details: [{ field: 'file', reason }] });
}

function badUpload(reason: string): NormaError {
  return new NormaError('NORMA_ERR_BAD_REQUEST', `send the report file as multipart/form-data in the field "file": ${reason}`, [
    { field: 'file', reason },
  ]);
}

/**
 * `POST /api/reports/import`: a CSV or XLSX file of daily reports in the multipart field `file`,
 * applied all or nothing. Multipart parsing lives in this plugin's own scope.
 */
export const reportImportRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  // In this scope only: a body that is not multipart still reaches the handler, which names the
  // missing field instead of failing in a body parser.
  app.removeAllContentTypeParsers();
  await app.register(multipart, { limits: { fileSize: MAX_IMPORT_FILE_BYTES, files: 1, fields: 10 } });
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));

  app.post(
    '/api/reports/import',
    {
      config: { permission: { need: 'write', scope: 'service' } },
      schema: {
        tags: ['reporting'],
        summary: 'Import a CSV or XLSX file of daily reports, all rows or none',
        description:
          'Multipart field `file`: CSV (UTF-8, `,`, quoted fields) or XLSX (first worksheet) with a header ' +
          '`unit,product,date,quantity[,kind,note]` in any order, at most ' +
          `${MAX_IMPORT_ROWS} data rows and ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MiB. Each bad row is listed with its ` +
          '1-based data row (the header not counted) and nothing is applied. `Idempotency-Key` as for `POST /api/reports`.',
        consumes: ['multipart/form-data'],
        headers: z.looseObject({
          'idempotency-key': z.string().min(1).max(200).optional().describe('a repeated request with the same key and file answers as the first'),
        }),
        response: { 200: ImportSummary, 400: ErrorBody, 409: ErrorBody, 413: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw badUpload('the request is not multipart/form-data');
      let part;
      try {
        part = await req.file();
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 413) return tooLarge(reply);
        throw badUpload(`malformed multipart body (${(e as Error)?.message ?? String(e)})`);
      }
      if (!part) throw badUpload('no file part in the form');
      const body = upload(part.file);
      try {
        if (part.fieldname !== 'file') throw badUpload(`the file came in the field ${JSON.stringify(part.fieldname)}`);
        const result = await importReports(actingAs(ctx, req.principal), body.chunks, {
          by: req.principal?.name ?? 'api',
          filename: part.filename,
          mimetype: part.mimetype,
          idempotencyKey: req.headers['idempotency-key'],
        });
        publishCells(ctx, result.cells);
        return result.summary;
      } catch (e) {
        if (e instanceof UploadTooLarge || part.file.truncated) return tooLarge(reply);
        if (e instanceof UploadBroken) throw badUpload(`the upload broke off (${e.message})`);
        throw e;
      } finally {
        await body.drain();
      }
    },
  );
};
