/**
 * TEST DOUBLE: an MLflow tracking server (model registry + artifact proxy), built from MLflow's
 * published REST API description (mlflow.org/docs/latest/rest-api.html and the service protos
 * model_registry.proto / mlflow_artifacts.proto): endpoint paths, request and response field names,
 * and the error shape `{error_code, message}` (RESOURCE_DOES_NOT_EXIST 404, INVALID_PARAMETER_VALUE
 * 400, PERMISSION_DENIED 403, UNAUTHENTICATED 401). It is not MLflow: it implements only what
 * model-promote calls, from memory, on loopback. The promotions themselves are tested against the
 * real MLflow server (test/mlflow/, test/e2e-registries/mlflow-server.test.ts); this double stays
 * for what the real server will not do on request: faults (resets, 5xx, slow or short bodies),
 * PENDING and FAILED_REGISTRATION versions, tokens, GitLab's dialect.
 *
 * `dialect: 'gitlab'` serves GitLab's variant instead (GitLab's API docs and lib/api/ml/mlflow):
 * under /api/v4/projects/ID/ml/mlflow, versions named by semver whose `version` field is an internal
 * id, get-download-uri taking that id and answering `mlflow-artifacts:/<id>`, and no
 * model-versions/search, model-versions/set-tag or alias POST (404, as GitLab has no such route).
 *
 * It validates what it receives: the Authorization header (when a token or user is configured),
 * required query or body fields, JSON bodies on POST. Faults: a file that goes missing, a download
 * cut short N times, 5xx or 429 answers N times, a read-only token (403 on writes).
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, listenLoopback } from './loopback-server.js';
import type { AddressInfo } from 'node:net';

export type FileSource = Buffer | { readonly file: string };

export interface DoubleVersion {
  /** MLflow: "1", "2"; GitLab: the semver ("1.0.0"), with `id` the internal id. */
  readonly version: string;
  readonly id?: number;
  status?: 'READY' | 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION';
  tags: Record<string, string>;
  /** path relative to the model root -> bytes. */
  readonly files: Map<string, FileSource>;
}

export interface DoubleModel {
  readonly name: string;
  tags: Record<string, string>;
  aliases: Record<string, string>;
  readonly versions: DoubleVersion[];
}

export interface MlflowDoubleOptions {
  readonly dialect?: 'mlflow' | 'gitlab';
  /** GitLab project id (dialect gitlab). */
  readonly project?: number;
  /** Expected `Authorization: Bearer TOKEN`. */
  readonly token?: string;
  /** Expected Basic credentials. */
  readonly basic?: { readonly username: string; readonly password: string };
  /** The token may read but not write (403 PERMISSION_DENIED on POST). */
  readonly readOnly?: boolean;
}

export interface Faults {
  /** Artifact paths (relative to the model root) answered 404. */
  missing: Set<string>;
  /** Artifact path -> how many more downloads are cut after half the bytes. */
  truncate: Map<string, number>;
  /** Artifact path -> bytes added to the size the listing gives (the body stays whole). */
  misreport: Map<string, number>;
  /** How many more API requests are answered 503 (then 429 when `rateLimit`). */
  unavailable: number;
  rateLimit: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body?: unknown;
}

export class MlflowDouble {
  readonly models = new Map<string, DoubleModel>();
  readonly requests: RecordedRequest[] = [];
  /** Artifact bytes written to the network, by artifact path (what a client made the double send). */
  readonly bytesServed = new Map<string, number>();
  readonly faults: Faults = {
    missing: new Set(),
    truncate: new Map(),
    misreport: new Map(),
    unavailable: 0,
    rateLimit: 0,
  };
  private server: Server | undefined;
  private nextId = 100;

  constructor(readonly options: MlflowDoubleOptions = {}) {}

  get dialect(): 'mlflow' | 'gitlab' {
    return this.options.dialect ?? 'mlflow';
  }

  /** The prefix before /api/2.0: '' for MLflow, /api/v4/projects/ID/ml/mlflow for GitLab. */
  get prefix(): string {
    return this.dialect === 'gitlab' ? `/api/v4/projects/${this.options.project ?? 42}/ml/mlflow` : '';
  }

  /** The `--registry` value for this double. */
  get uri(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('the MLflow double is not started');
    return `mlflow+http://127.0.0.1:${address.port}${this.prefix}`;
  }

  addModel(name: string, tags: Record<string, string> = {}): DoubleModel {
    const model: DoubleModel = { name, tags, aliases: {}, versions: [] };
    this.models.set(name, model);
    return model;
  }

  addVersion(
    model: string,
    version: string,
    files: Map<string, FileSource>,
    tags: Record<string, string> = {},
  ): DoubleVersion {
    const entry: DoubleVersion = { version, id: this.nextId++, status: 'READY', tags, files };
    this.models.get(model)!.versions.push(entry);
    return entry;
  }

  async start(): Promise<this> {
    this.server = await listenLoopback(
      (request, response) => this.handle(request, response),
      (response, error) => this.error(response, 500, 'INTERNAL_ERROR', String(error)),
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
    const query = Object.fromEntries(url.searchParams);
    const body = request.method === 'POST' ? await readJson(request) : undefined;
    this.requests.push({
      method: request.method ?? 'GET',
      path: url.pathname,
      query,
      ...(body !== undefined && { body }),
    });
    if (!url.pathname.startsWith(`${this.prefix}/api/2.0/`))
      return this.error(response, 404, 'ENDPOINT_NOT_FOUND', `no route ${url.pathname}`);
    if (!this.authorized(request.headers.authorization))
      return this.error(response, 401, 'UNAUTHENTICATED', 'missing or wrong credentials');
    if (this.faults.unavailable > 0) {
      this.faults.unavailable--;
      return this.error(response, 503, 'TEMPORARILY_UNAVAILABLE', 'try again');
    }
    if (this.faults.rateLimit > 0) {
      this.faults.rateLimit--;
      response.setHeader('retry-after', '0');
      return this.error(response, 429, 'REQUEST_LIMIT_EXCEEDED', 'slow down');
    }
    if (request.method === 'POST' && this.options.readOnly)
      return this.error(response, 403, 'PERMISSION_DENIED', 'the token may only read');
    const route = `${request.method} ${url.pathname.slice(this.prefix.length + '/api/2.0/'.length)}`;
    if (route.startsWith('GET mlflow-artifacts/artifacts/')) {
      return this.download(
        decodeURIComponent(url.pathname.slice(url.pathname.indexOf('/artifacts/') + '/artifacts/'.length)),
        response,
      );
    }
    const gitlab = this.dialect === 'gitlab';
    switch (route) {
      case 'GET mlflow/registered-models/get':
        return this.withModel(query.name, response, (model) =>
          this.json(response, { registered_model: this.registeredModel(model) }),
        );
      case 'GET mlflow/model-versions/get':
        if (!query.version)
          return this.error(
            response,
            400,
            'INVALID_PARAMETER_VALUE',
            "Missing value for required parameter 'version'",
          );
        return this.withModel(query.name, response, (model) => {
          const version = model.versions.find((v) => v.version === query.version);
          if (!version)
            return this.error(
              response,
              404,
              'RESOURCE_DOES_NOT_EXIST',
              `Model Version (name=${model.name}, version=${query.version}) not found`,
            );
          return this.json(response, { model_version: this.modelVersion(model, version) });
        });
      case 'GET mlflow/registered-models/alias':
        if (!query.alias)
          return this.error(
            response,
            400,
            'INVALID_PARAMETER_VALUE',
            "Missing value for required parameter 'alias'",
          );
        return this.withModel(query.name, response, (model) => {
          const target = model.aliases[query.alias!];
          const version = model.versions.find((v) => v.version === target);
          if (!version)
            return this.error(
              response,
              404,
              'RESOURCE_DOES_NOT_EXIST',
              `Registered model alias ${query.alias} not found.`,
            );
          return this.json(response, { model_version: this.modelVersion(model, version) });
        });
      case 'GET mlflow/model-versions/search': {
        if (gitlab) return this.error(response, 404, 'ENDPOINT_NOT_FOUND', 'not supported by GitLab');
        const name = /^name\s*=\s*'(.*)'$/.exec(query.filter ?? '')?.[1];
        if (name === undefined)
          return this.error(response, 400, 'INVALID_PARAMETER_VALUE', `unsupported filter ${query.filter}`);
        const model = this.models.get(name);
        return this.json(response, {
          model_versions: model ? model.versions.map((v) => this.modelVersion(model, v)) : [],
        });
      }
      case 'POST mlflow/registered-models/get-latest-versions':
        return this.withModel(field(body, 'name'), response, (model) => {
          const latest = [...model.versions]
            .sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }))
            .at(-1);
          return this.json(response, { model_versions: latest ? [this.modelVersion(model, latest)] : [] });
        });
      case 'GET mlflow/model-versions/get-download-uri':
        return this.withModel(query.name, response, (model) => {
          const version = gitlab
            ? model.versions.find((v) => String(v.id) === query.version)
            : model.versions.find((v) => v.version === query.version);
          if (!version)
            return this.error(
              response,
              404,
              'RESOURCE_DOES_NOT_EXIST',
              `Model Version (name=${model.name}, version=${query.version}) not found`,
            );
          return this.json(response, { artifact_uri: this.artifactRoot(model, version) });
        });
      case 'GET mlflow-artifacts/artifacts':
        return this.list(query.path ?? '', response);
      case 'POST mlflow/model-versions/set-tag': {
        if (gitlab) return this.error(response, 404, 'ENDPOINT_NOT_FOUND', 'not supported by GitLab');
        const [name, versionName, key, value] = ['name', 'version', 'key', 'value'].map((f) =>
          field(body, f),
        );
        if (!name || !versionName || !key || value === undefined)
          return this.error(
            response,
            400,
            'INVALID_PARAMETER_VALUE',
            'name, version, key and value are required',
          );
        return this.withModel(name, response, (model) => {
          const version = model.versions.find((v) => v.version === versionName);
          if (!version)
            return this.error(
              response,
              404,
              'RESOURCE_DOES_NOT_EXIST',
              `Model Version (name=${name}, version=${versionName}) not found`,
            );
          version.tags[key] = value;
          return this.json(response, {});
        });
      }
      case 'POST mlflow/registered-models/alias': {
        if (gitlab) return this.error(response, 404, 'ENDPOINT_NOT_FOUND', 'not supported by GitLab');
        const [name, alias, versionName] = ['name', 'alias', 'version'].map((f) => field(body, f));
        if (!name || !alias || !versionName)
          return this.error(response, 400, 'INVALID_PARAMETER_VALUE', 'name, alias and version are required');
        return this.withModel(name, response, (model) => {
          if (!model.versions.some((v) => v.version === versionName))
            return this.error(response, 404, 'RESOURCE_DOES_NOT_EXIST', `version ${versionName} not found`);
          model.aliases[alias] = versionName;
          return this.json(response, {});
        });
      }
      default:
        return this.error(response, 404, 'ENDPOINT_NOT_FOUND', `no route ${route}`);
    }
  }

  private authorized(header: string | undefined): boolean {
    const { token, basic } = this.options;
    if (!token && !basic) return true;
    if (token && header === `Bearer ${token}`) return true;
    return (
      basic !== undefined &&
      header === `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`
    );
  }

  private withModel(
    name: string | undefined,
    response: ServerResponse,
    then: (model: DoubleModel) => void,
  ): void {
    if (!name)
      return this.error(
        response,
        400,
        'INVALID_PARAMETER_VALUE',
        "Missing value for required parameter 'name'",
      );
    const model = this.models.get(name);
    if (!model)
      return this.error(
        response,
        404,
        'RESOURCE_DOES_NOT_EXIST',
        `Registered Model with name=${name} not found`,
      );
    then(model);
  }

  private registeredModel(model: DoubleModel): unknown {
    return {
      name: model.name,
      tags: Object.entries(model.tags).map(([key, value]) => ({ key, value })),
      aliases: Object.entries(model.aliases).map(([alias, version]) => ({ alias, version })),
    };
  }

  private modelVersion(model: DoubleModel, version: DoubleVersion): unknown {
    const gitlab = this.dialect === 'gitlab';
    return {
      name: model.name,
      // GitLab answers with its internal id in `version`.
      version: gitlab ? String(version.id) : version.version,
      status: version.status ?? 'READY',
      source: gitlab
        ? `api/v4/projects/(id)/packages/ml_models/${version.id}/files/`
        : `runs:/run${version.version}/model`,
      tags: Object.entries({ ...version.tags, ...(gitlab && { 'gitlab.version': version.version }) }).map(
        ([key, value]) => ({ key, value }),
      ),
      aliases: gitlab
        ? []
        : Object.entries(model.aliases)
            .filter(([, v]) => v === version.version)
            .map(([alias]) => alias),
    };
  }

  /** Where a version's files live in the artifact proxy. */
  private artifactRoot(model: DoubleModel, version: DoubleVersion): string {
    return this.dialect === 'gitlab'
      ? `mlflow-artifacts:/${version.id}`
      : `mlflow-artifacts:/1/run${version.version}/artifacts/${model.name}`;
  }

  private locate(path: string): { version: DoubleVersion; relative: string } | undefined {
    for (const model of this.models.values()) {
      for (const version of model.versions) {
        const root = this.artifactRoot(model, version).replace(/^mlflow-artifacts:\/+/, '');
        if (path === root) return { version, relative: '' };
        if (path.startsWith(`${root}/`)) return { version, relative: path.slice(root.length + 1) };
      }
    }
    return undefined;
  }

  /** MLflow lists one folder, by base name, with `is_dir` and `file_size`. */
  private list(path: string, response: ServerResponse): void {
    const found = this.locate(path.replace(/\/+$/, ''));
    if (!found) return this.json(response, {});
    const entries = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
    for (const [file, source] of found.version.files) {
      if (found.relative && !file.startsWith(`${found.relative}/`)) continue;
      const rest = found.relative ? file.slice(found.relative.length + 1) : file;
      const [first, ...more] = rest.split('/');
      if (more.length > 0) entries.set(first!, { path: first!, is_dir: true });
      else {
        const misreported = sizeOf(source) + (this.faults.misreport.get(file) ?? 0);
        entries.set(first!, { path: first!, is_dir: false, file_size: misreported });
      }
    }
    return this.json(response, entries.size ? { files: [...entries.values()] } : {});
  }

  private download(path: string, response: ServerResponse): void {
    const found = this.locate(path);
    const source = found ? found.version.files.get(found.relative) : undefined;
    if (!found || !source || this.faults.missing.has(found.relative))
      return this.error(response, 404, 'RESOURCE_DOES_NOT_EXIST', `artifact ${path} not found`);
    const size = sizeOf(source);
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    const cuts = this.faults.truncate.get(found.relative) ?? 0;
    if (cuts > 0) {
      this.faults.truncate.set(found.relative, cuts - 1);
      const half = Math.floor(size / 2);
      if (Buffer.isBuffer(source)) response.write(source.subarray(0, half), () => response.destroy());
      else
        createReadStream(source.file, { end: Math.max(0, half - 1) })
          .on('end', () => response.destroy())
          .pipe(response, { end: false });
      return;
    }
    const served = (bytes: number) => this.bytesServed.set(path, (this.bytesServed.get(path) ?? 0) + bytes);
    if (Buffer.isBuffer(source)) {
      served(source.length);
      response.end(source);
      return;
    }
    const stream = createReadStream(source.file, { highWaterMark: 1024 * 1024 });
    stream.on('data', (chunk) => served(chunk.length));
    // A client that stops reading closes the connection: stop reading the file too.
    response.on('close', () => stream.destroy());
    stream.pipe(response);
  }

  private json(response: ServerResponse, body: unknown): void {
    const text = JSON.stringify(body);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  }

  private error(response: ServerResponse, status: number, errorCode: string, message: string): void {
    const text = JSON.stringify({ error_code: errorCode, message });
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  }
}

function sizeOf(source: FileSource): number {
  return Buffer.isBuffer(source) ? source.length : statSync(source.file).size;
}

function field(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  if (!(request.headers['content-type'] ?? '').includes('application/json'))
    throw new Error('POST body without content-type: application/json');
  return JSON.parse(text);
}
