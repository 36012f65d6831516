/**
 * An HTTP proxy in front of a test registry that forwards every request as it is and records what
 * went up: method, path and body bytes. Tests use it to tell which blobs a push really uploaded.
 * Told to, it also lies: it replaces the `Docker-Content-Digest` of chosen responses, as a broken
 * registry or a meddling proxy would; and it refuses a blob upload mid-body with a 4xx, as a
 * registry (or the reverse proxy in front of it, e.g. nginx's client_max_body_size) does.
 */
import { createServer, request, type Server } from 'node:http';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v2/demo/blobs/uploads/ID?digest=sha256:...`. */
  readonly url: string;
  readonly bodyBytes: number;
}

export interface RecordingProxy {
  readonly host: string;
  readonly requests: RecordedRequest[];
  /** Body bytes of blob upload requests (POST, PATCH, PUT under `/blobs/uploads/`). */
  blobBytesUploaded(): number;
  stop(): Promise<void>;
}

export interface ProxyLies {
  /** Responses to requests this matches get `Docker-Content-Digest: WRONG_DIGEST`. */
  readonly contentDigest?: (method: string, url: string) => boolean;
  /**
   * A PATCH under `/blobs/uploads/` that takes its upload session (streamed whole or in chunks) past
   * `afterBytes` is answered `status` with a registry error body (BLOB_UPLOAD_INVALID), as a size limit or
   * quota would; its upstream request is dropped, the rest of its body read and discarded.
   */
  readonly refuseUpload?: { readonly afterBytes: number; readonly status: number };
}

export const WRONG_DIGEST = `sha256:${'0'.repeat(64)}`;

export async function startRecordingProxy(targetPort: number, lies: ProxyLies = {}): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  /** Body bytes of PATCHes so far, by upload session path. */
  const sessions = new Map<string, number>();
  const server: Server = createServer((incoming, outgoing) => {
    let bodyBytes = 0;
    const session = (incoming.url ?? '').split('?')[0]!;
    let refusedHere = false;
    const refusable =
      lies.refuseUpload !== undefined &&
      incoming.method === 'PATCH' &&
      incoming.url?.includes('/blobs/uploads/');
    const upstream = request(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (response) => {
        const headers = { ...response.headers };
        if (
          lies.contentDigest?.(incoming.method ?? '', incoming.url ?? '') &&
          headers['docker-content-digest']
        )
          headers['docker-content-digest'] = WRONG_DIGEST;
        outgoing.writeHead(response.statusCode ?? 502, headers);
        response.pipe(outgoing);
      },
    );
    // A refused upload's upstream is dropped on purpose; its 4xx answer stands.
    upstream.on('error', () => {
      if (!refusedHere) outgoing.destroy();
    });
    incoming.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.byteLength;
      if (refusable) sessions.set(session, (sessions.get(session) ?? 0) + chunk.byteLength);
      if (refusable && !refusedHere && sessions.get(session)! > lies.refuseUpload!.afterBytes) {
        refusedHere = true;
        incoming.unpipe(upstream);
        upstream.destroy();
        const body = JSON.stringify({
          errors: [
            {
              code: 'BLOB_UPLOAD_INVALID',
              message: 'blob exceeds the size limit of the repository',
              detail: {},
            },
          ],
        });
        outgoing.writeHead(lies.refuseUpload!.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        });
        outgoing.end(body);
        // As nginx's lingering close: the rest of the body is read, so the client sees the answer.
        incoming.resume();
      }
    });
    incoming.on('end', () =>
      requests.push({ method: incoming.method ?? '', url: incoming.url ?? '', bodyBytes }),
    );
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    blobBytesUploaded: () =>
      requests.filter((r) => r.url.includes('/blobs/uploads/')).reduce((sum, r) => sum + r.bodyBytes, 0),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
