/**
 * TEST DOUBLE: a Hugging Face Hub, built from the Hub's HTTP API as @huggingface/hub 2.x calls it
 * (node_modules/@huggingface/hub/src/lib: model-info.ts, list-files.ts, file-download-info.ts,
 * download-file.ts and utils/WebBlob.ts; error.ts for the error shape). It is not the Hub: it
 * implements only what model-promote reads, from memory, on loopback:
 *
 *   GET /api/models/ORG/NAME/refs                       branches and tags with their targetCommit
 *   GET /api/models/ORG/NAME/revision/REV?expand=...    model info; only the expanded fields
 *   GET /api/models/ORG/NAME/tree/REV?recursive=...     files (git oid, size, `lfs.oid` = sha256),
 *                                                       paged with a `Link: <...>; rel="next"` header
 *   GET /ORG/NAME/resolve/REV/PATH                      the bytes; `Range: bytes=A-B` answers 206 with
 *                                                       Content-Range; ETag (X-Linked-ETag and
 *                                                       X-Linked-Size for LFS files), X-Repo-Commit
 *
 * Errors are JSON `{error}` with the Hub's X-Error-Code header: an unknown or private repository is
 * 401 RepoNotFound without a token and 404 with one, an unknown revision 404 RevisionNotFound, a
 * missing file 404 EntryNotFound (which downloadFile turns into null), a token without access 403.
 *
 * It validates what it receives: `Authorization: Bearer TOKEN` when a token is configured, and
 * downloads pinned to a full commit id (a branch or tag in a /resolve/ URL is answered 400, so a
 * client that reads a moving ref fails the test). Faults: files that go missing, downloads cut
 * short N times, files served changed, 503 answers N times.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, listenLoopback } from './loopback-server.js';
import type { AddressInfo } from 'node:net';
import type { FileSource } from './mlflow-double.js';

export type { FileSource } from './mlflow-double.js';

export interface HubFile {
  readonly source: FileSource;
  readonly size: number;
  /** Git blob id (sha1 over "blob SIZE\0" + bytes). */
  readonly oid: string;
  /** sha256 of the bytes: the LFS oid when the file is stored in LFS. */
  readonly sha256: string;
  readonly lfs: boolean;
}

export interface HubRepo {
  readonly name: string;
  /** Model card metadata (the README's YAML front matter), as `cardData`, by commit. */
  readonly cards: Map<string, Record<string, unknown>>;
  /** The repository's tags as the Hub lists them (`key:value` ones included), by commit. */
  readonly tags: Map<string, string[]>;
  /** Readable only with a token. */
  private: boolean;
  readonly commits: Map<string, Map<string, HubFile>>;
  readonly branches: Map<string, string>;
  readonly refTags: Map<string, string>;
}

export interface HubDoubleOptions {
  /** Expected `Authorization: Bearer TOKEN` on every request. */
  readonly token?: string;
  /** A valid token without access to any repository: 403. */
  readonly forbiddenToken?: string;
  /** Tree entries per page (default 1000). */
  readonly pageSize?: number;
}

export interface HubFaults {
  /** Paths answered 404 EntryNotFound on download. */
  missing: Set<string>;
  /** Path -> how many more downloads (whole, or the rest from an offset) are cut after half their bytes. */
  truncate: Map<string, number>;
  /** Paths served with their first byte changed (the listing keeps the true sha256). */
  corrupt: Set<string>;
  /** How many more requests are answered 503. */
  unavailable: number;
}

export interface HubRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly range?: string;
  readonly authorization?: string;
}

export class HuggingFaceDouble {
  readonly repos = new Map<string, HubRepo>();
  readonly requests: HubRequest[] = [];
  readonly faults: HubFaults = {
    missing: new Set(),
    truncate: new Map(),
    corrupt: new Set(),
    unavailable: 0,
  };
  private server: Server | undefined;
  private commitCounter = 0;

  constructor(readonly options: HubDoubleOptions = {}) {}

  get endpoint(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('the Hugging Face double is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  /** The `--registry` value for an organisation on this double. */
  uri(organisation: string): string {
    return `hf://${organisation}?endpoint=${this.endpoint}`;
  }

  addRepo(name: string, options: { private?: boolean } = {}): HubRepo {
    const repo: HubRepo = {
      name,
      cards: new Map(),
      tags: new Map(),
      private: options.private ?? false,
      commits: new Map(),
      branches: new Map(),
      refTags: new Map(),
    };
    this.repos.set(name, repo);
    return repo;
  }

  /**
   * A commit holding exactly `files` (and the card metadata and tags given) on `branch` (default
   * main); returns its id. Files `lfs` says yes to (default: *.safetensors and files of 1 MiB or
   * more) are LFS files.
   */
  async commit(
    repoName: string,
    files: Map<string, FileSource>,
    options: {
      branch?: string;
      cardData?: Record<string, unknown>;
      tags?: string[];
      lfs?: (path: string, size: number) => boolean;
    } = {},
  ): Promise<string> {
    const repo = this.repos.get(repoName)!;
    const isLfs = options.lfs ?? ((p: string, size: number) => p.endsWith('.safetensors') || size >= 1 << 20);
    const tree = new Map<string, HubFile>();
    for (const [filePath, source] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const digests = await digestsOf(source);
      tree.set(filePath, { source, ...digests, lfs: isLfs(filePath, digests.size) });
    }
    const id = createHash('sha1')
      .update(`${repoName}\n${this.commitCounter++}\n`)
      .update([...tree].map(([p, f]) => `${p} ${f.oid}`).join('\n'))
      .digest('hex');
    repo.commits.set(id, tree);
    repo.cards.set(id, options.cardData ?? {});
    repo.tags.set(id, options.tags ?? []);
    repo.branches.set(options.branch ?? 'main', id);
    return id;
  }

  tag(repoName: string, tag: string, commit: string): void {
    this.repos.get(repoName)!.refTags.set(tag, commit);
  }

  async start(): Promise<this> {
    this.server = await listenLoopback(
      (request, response) => this.handle(request, response),
      (response, error) => this.error(response, 500, undefined, String(error)),
    );
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://double');
    const authorization = request.headers.authorization;
    this.requests.push({
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      ...(typeof request.headers.range === 'string' && { range: request.headers.range }),
      ...(authorization && { authorization }),
    });
    if (request.method !== 'GET') return this.error(response, 405, undefined, 'only GET is served');
    if (this.faults.unavailable > 0) {
      this.faults.unavailable--;
      return this.error(response, 503, undefined, 'Service Unavailable');
    }
    const { token, forbiddenToken } = this.options;
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (bearer !== undefined && bearer !== token && bearer !== forbiddenToken)
      return this.error(response, 401, undefined, 'Invalid credentials in Authorization header');
    if (token && bearer === undefined)
      return this.error(response, 401, 'RepoNotFound', 'Repository not found'); // private without a token
    const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    const api = segments[0] === 'api' && segments[1] === 'models';
    const repoName = api ? `${segments[2]}/${segments[3]}` : `${segments[0]}/${segments[1]}`;
    const repo = this.repos.get(repoName);
    if (!repo || (repo.private && bearer === undefined)) {
      return bearer === undefined
        ? this.error(response, 401, 'RepoNotFound', 'Repository not found')
        : this.error(response, 404, 'RepoNotFound', 'Repository not found');
    }
    if (bearer !== undefined && bearer === forbiddenToken)
      return this.error(response, 403, undefined, `Access to model ${repoName} is restricted.`);

    if (api && segments[4] === 'refs' && segments.length === 5) return this.refs(repo, response);
    if (api && segments[4] === 'revision' && segments.length === 6)
      return this.info(repo, segments[5]!, url.searchParams, response);
    if (api && segments[4] === 'tree' && segments.length >= 6)
      return this.tree(repo, segments[5]!, segments.slice(6).join('/'), url, response);
    if (!api && segments[2] === 'resolve' && segments.length >= 5)
      return this.resolve(repo, segments[3]!, segments.slice(4).join('/'), request, response);
    return this.error(response, 404, undefined, `no route ${url.pathname}`);
  }

  private refs(repo: HubRepo, response: ServerResponse): void {
    const list = (refs: Map<string, string>, kind: string) =>
      [...refs].map(([name, targetCommit]) => ({ name, ref: `refs/${kind}/${name}`, targetCommit }));
    this.json(response, {
      branches: list(repo.branches, 'heads'),
      tags: list(repo.refTags, 'tags'),
      converts: [],
    });
  }

  private commitOf(repo: HubRepo, revision: string): string | undefined {
    const commit = repo.branches.get(revision) ?? repo.refTags.get(revision) ?? revision;
    return repo.commits.has(commit) ? commit : undefined;
  }

  /** Model info: the Hub answers with `_id`, `id` and only the fields named by `expand`. */
  private info(repo: HubRepo, revision: string, query: URLSearchParams, response: ServerResponse): void {
    const commit = this.commitOf(repo, revision);
    if (!commit) return this.error(response, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    const fields: Record<string, unknown> = {
      pipeline_tag: 'text-classification',
      private: repo.private,
      gated: false,
      downloads: 0,
      likes: 0,
      lastModified: '2026-01-01T00:00:00.000Z',
      cardData: repo.cards.get(commit),
      tags: repo.tags.get(commit),
      sha: commit,
      siblings: [...repo.commits.get(commit)!.keys()].map((rfilename) => ({ rfilename })),
    };
    const body: Record<string, unknown> = { _id: `id-${repo.name}`, id: repo.name };
    for (const key of query.getAll('expand')) {
      if (!(key in fields)) return this.error(response, 400, undefined, `unknown expand field ${key}`);
      body[key] = fields[key];
    }
    this.json(response, body);
  }

  private tree(repo: HubRepo, revision: string, folder: string, url: URL, response: ServerResponse): void {
    const commit = this.commitOf(repo, revision);
    if (!commit) return this.error(response, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    const recursive = url.searchParams.get('recursive') === 'true';
    const prefix = folder ? `${folder}/` : '';
    const entries: Record<string, unknown>[] = [];
    const folders = new Set<string>();
    for (const [filePath, file] of repo.commits.get(commit)!) {
      if (!filePath.startsWith(prefix)) continue;
      const parts = filePath.slice(prefix.length).split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = prefix + parts.slice(0, i).join('/');
        if ((recursive || i === 1) && !folders.has(dir)) {
          folders.add(dir);
          entries.push({ type: 'directory', oid: gitOid(Buffer.from(dir)), size: 0, path: dir });
        }
      }
      if (!recursive && parts.length > 1) continue;
      entries.push({
        type: 'file',
        oid: file.lfs ? gitOid(Buffer.from(lfsPointer(file))) : file.oid,
        size: file.size,
        path: filePath,
        ...(file.lfs && {
          lfs: { oid: file.sha256, size: file.size, pointerSize: Buffer.byteLength(lfsPointer(file)) },
        }),
      });
    }
    const pageSize = this.options.pageSize ?? 1000;
    const start = Number(url.searchParams.get('cursor') ?? '0');
    const page = entries.slice(start, start + pageSize);
    if (start + pageSize < entries.length) {
      const next = new URL(url.pathname + url.search, this.endpoint);
      next.searchParams.set('cursor', String(start + pageSize));
      response.setHeader('Link', `<${next.toString()}>; rel="next"`);
    }
    this.json(response, page);
  }

  private resolve(
    repo: HubRepo,
    revision: string,
    filePath: string,
    request: IncomingMessage,
    response: ServerResponse,
  ): void {
    if (!/^[0-9a-f]{40}$/.test(revision))
      return this.error(
        response,
        400,
        undefined,
        `the double serves downloads at a commit id, not "${revision}"`,
      );
    const commit = this.commitOf(repo, revision);
    if (!commit) return this.error(response, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    const file = repo.commits.get(commit)!.get(filePath);
    if (!file || this.faults.missing.has(filePath))
      return this.error(response, 404, 'EntryNotFound', `Entry not found: ${filePath}`);
    const etag = `"${file.lfs ? file.sha256 : file.oid}"`;
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      etag,
      'x-repo-commit': commit,
      ...(file.lfs && { 'x-linked-etag': etag, 'x-linked-size': String(file.size) }),
    };
    const range = typeof request.headers.range === 'string' ? request.headers.range : undefined;
    if (range !== undefined) {
      const match = /^bytes=(\d+)-(\d*)$/.exec(range);
      const start = match ? Number(match[1]) : NaN;
      const end = match && match[2] ? Math.min(Number(match[2]), file.size - 1) : file.size - 1;
      if (!match || start > end) {
        response.writeHead(416, { ...headers, 'content-range': `bytes */${file.size}` });
        return void response.end();
      }
      response.writeHead(206, {
        ...headers,
        'content-range': `bytes ${start}-${end}/${file.size}`,
        'content-length': String(end - start + 1),
      });
      // A resume asks for the rest (`bytes=N-`); the Hub client's one-byte probe is never cut.
      if (!match[2] && this.takeCut(filePath)) {
        return this.send(file.source, start, start + Math.floor((end - start + 1) / 2) - 1, response, true);
      }
      return this.send(file.source, start, end, response);
    }
    response.writeHead(200, { ...headers, 'content-length': String(file.size) });
    if (this.takeCut(filePath)) {
      return this.send(file.source, 0, Math.floor(file.size / 2) - 1, response, true);
    }
    if (this.faults.corrupt.has(filePath) && Buffer.isBuffer(file.source)) {
      const changed = Buffer.from(file.source);
      changed[0] = changed[0]! ^ 0xff;
      return this.send(changed, 0, file.size - 1, response);
    }
    return this.send(file.source, 0, file.size - 1, response);
  }

  /** Whether this download of the file is one to cut short (and counts it). */
  private takeCut(filePath: string): boolean {
    const cuts = this.faults.truncate.get(filePath) ?? 0;
    if (cuts > 0) this.faults.truncate.set(filePath, cuts - 1);
    return cuts > 0;
  }

  /** Bytes start..end (inclusive) of the file; `cut` breaks the connection after them. */
  private send(source: FileSource, start: number, end: number, response: ServerResponse, cut = false): void {
    const done = (): void => {
      if (cut) response.destroy();
      else response.end();
    };
    if (Buffer.isBuffer(source)) {
      response.write(source.subarray(start, end + 1), done);
      return;
    }
    if (end < start) {
      done();
      return;
    }
    createReadStream(source.file, { start, end, highWaterMark: 1024 * 1024 })
      .on('end', done)
      .pipe(response, { end: false });
  }

  private json(response: ServerResponse, body: unknown): void {
    const text = JSON.stringify(body);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  }

  private error(response: ServerResponse, status: number, code: string | undefined, message: string): void {
    const text = JSON.stringify({ error: message });
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...(code && { 'x-error-code': code, 'x-error-message': message }),
    });
    response.end(text);
  }
}

function gitOid(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function lfsPointer(file: HubFile): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${file.sha256}\nsize ${file.size}\n`;
}

async function digestsOf(source: FileSource): Promise<{ size: number; oid: string; sha256: string }> {
  if (Buffer.isBuffer(source)) {
    return {
      size: source.length,
      oid: gitOid(source),
      sha256: createHash('sha256').update(source).digest('hex'),
    };
  }
  const size = (await stat(source.file)).size;
  const sha1 = createHash('sha1').update(`blob ${size}\0`);
  const sha256 = createHash('sha256');
  for await (const chunk of createReadStream(source.file, { highWaterMark: 1024 * 1024 })) {
    sha1.update(chunk as Buffer);
    sha256.update(chunk as Buffer);
  }
  return { size, oid: sha1.digest('hex'), sha256: sha256.digest('hex') };
}
