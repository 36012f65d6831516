/**
 * A minimal in-process upload endpoint that keeps partial PATCH bytes and reports them in `Range`,
 * as the distribution spec allows (docker-registry 2.8 cancels such sessions instead). Enough of
 * the blob API (POST, PATCH, GET status, PUT, HEAD) to test that uploads resume mid-chunk.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface ResumableRegistry {
  readonly host: string;
  readonly port: number;
  readonly blobs: Map<string, Buffer>;
  /** PATCH requests whose Content-Range did not start at the session's offset. */
  readonly rangeMismatches: number;
  /** Where each PATCH started (its Content-Range, else the session's size), in arrival order. */
  readonly patchStarts: number[];
  stop(): Promise<void>;
}

export interface ResumableRegistryOptions {
  /**
   * Accept only PATCHes with a Content-Length of at most this many bytes, as a registry that wants
   * spec chunks: 411 without a length, 416 above it.
   */
  readonly maxPatchBytes?: number;
}

export async function startResumableRegistry(
  options: ResumableRegistryOptions = {},
): Promise<ResumableRegistry> {
  const sessions = new Map<string, Buffer[]>();
  const blobs = new Map<string, Buffer>();
  const state = { rangeMismatches: 0 };
  const patchStarts: number[] = [];
  const sizeOf = (parts: Buffer[]) => parts.reduce((n, b) => n + b.byteLength, 0);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const upload = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(url.pathname);
    const blob = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/.exec(url.pathname);
    const status = (code: number, headers: Record<string, string> = {}) => {
      res.writeHead(code, { 'content-length': '0', ...headers });
      res.end();
    };
    if (url.pathname === '/v2/') return status(200);
    if (blob && req.method === 'HEAD') {
      const found = blobs.get(blob[2]!);
      return found ? status(200, { 'content-length': String(found.byteLength) }) : status(404);
    }
    if (!upload) return status(404);
    const [, repo, id] = upload;
    if (req.method === 'POST') {
      const newId = randomUUID();
      sessions.set(newId, []);
      return status(202, { location: `/v2/${repo}/blobs/uploads/${newId}`, range: '0-0' });
    }
    const parts = sessions.get(id!);
    if (!parts) return status(404);
    const location = `/v2/${repo}/blobs/uploads/${id}`;
    const range = () => `0-${Math.max(0, sizeOf(parts) - 1)}`;
    if (req.method === 'GET') return status(204, { location, range: range() });
    if (req.method === 'PATCH') {
      const start = Number(/^(\d+)-/.exec(req.headers['content-range'] ?? '')?.[1] ?? sizeOf(parts));
      patchStarts.push(start);
      if (options.maxPatchBytes !== undefined) {
        const length = req.headers['content-length'];
        if (length === undefined || Number(length) > options.maxPatchBytes) {
          req.resume();
          return status(length === undefined ? 411 : 416, { location, range: range() });
        }
      }
      if (start !== sizeOf(parts)) {
        state.rangeMismatches++;
        req.resume();
        return status(416, { location, range: range() });
      }
      req.on('data', (chunk: Buffer) => parts.push(chunk));
      req.on('end', () => status(202, { location, range: range() }));
      return;
    }
    if (req.method === 'PUT') {
      req.on('data', (chunk: Buffer) => parts.push(chunk));
      req.on('end', () => {
        const bytes = Buffer.concat(parts);
        const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
        if (digest !== url.searchParams.get('digest')) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ code: 'DIGEST_INVALID', message: 'digest did not match' }] }));
          return;
        }
        sessions.delete(id!);
        blobs.set(digest, bytes);
        status(201, { 'docker-content-digest': digest, location: `/v2/${repo}/blobs/${digest}` });
      });
      return;
    }
    status(405);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    port,
    blobs,
    patchStarts,
    get rangeMismatches() {
      return state.rangeMismatches;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
