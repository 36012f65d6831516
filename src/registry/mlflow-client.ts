/**
 * A small client of the MLflow REST API 2.0 (model registry and artifact proxy), on fetch. Every
 * call names what it asked for in its errors; MLflow's error body `{error_code, message}` is kept.
 * The same client speaks to GitLab's model registry, whose base is
 * `https://GITLAB/api/v4/projects/ID/ml/mlflow`.
 */
import type { Logger } from '../logger.js';
import { MlflowError } from './mlflow-error.js';
import { describeFetchFailure, fetchWithRetries, type FetchRetryOptions } from './registry-fetch.js';

export interface MlflowTag {
  readonly key: string;
  readonly value: string;
}

/** ModelVersion, as the REST API returns it (fields this tool reads). */
export interface MlflowModelVersion {
  readonly name: string;
  readonly version: string;
  readonly status?: string;
  readonly status_message?: string;
  readonly source?: string;
  readonly run_id?: string;
  readonly tags?: readonly MlflowTag[];
  readonly aliases?: readonly string[];
}

export interface MlflowRegisteredModel {
  readonly name: string;
  readonly tags?: readonly MlflowTag[];
  readonly aliases?: readonly { readonly alias: string; readonly version: string }[];
}

export interface MlflowFileInfo {
  readonly path: string;
  readonly is_dir?: boolean;
  readonly file_size?: number | string;
}

export interface MlflowClientOptions extends FetchRetryOptions {
  readonly logger: Logger;
  /** `Authorization` (or other) headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An MLflow error body, `{error_code, message}`, with the HTTP status. */
export class MlflowApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export class MlflowClient {
  constructor(
    /** Tracking URI: `https://mlflow.example.com` or `https://gitlab/api/v4/projects/42/ml/mlflow`. */
    readonly base: string,
    private readonly options: MlflowClientOptions,
  ) {}

  async get<T>(endpoint: string, params: Record<string, string>): Promise<T> {
    const url = `${this.url(`api/2.0/mlflow/${endpoint}`)}?${new URLSearchParams(params)}`;
    return this.json<T>(url, { method: 'GET' }, `GET ${endpoint}`);
  }

  async post<T>(endpoint: string, body: unknown): Promise<T> {
    const init = {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    };
    return this.json<T>(this.url(`api/2.0/mlflow/${endpoint}`), init, `POST ${endpoint}`);
  }

  /** One folder of the artifact proxy (`GET /api/2.0/mlflow-artifacts/artifacts?path=`). */
  async listArtifacts(path: string): Promise<MlflowFileInfo[]> {
    const url = `${this.url('api/2.0/mlflow-artifacts/artifacts')}?${new URLSearchParams({ path })}`;
    const body = await this.json<{ files?: MlflowFileInfo[] }>(
      url,
      { method: 'GET' },
      `listing artifacts ${path}`,
    );
    return body.files ?? [];
  }

  /** An artifact's bytes, streamed (`GET /api/2.0/mlflow-artifacts/artifacts/PATH`). */
  /**
   * An artifact's bytes, from `start` on when given (a Range request). A server that answers a
   * range with the whole file (200) is refused: skipping bytes here would hide which ones came.
   */
  async openArtifact(path: string, start?: number): Promise<AsyncIterable<Uint8Array>> {
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    const what = `downloading artifact ${path}${start ? ` from byte ${start}` : ''}`;
    const response = await this.send(
      this.url(`api/2.0/mlflow-artifacts/artifacts/${encoded}`),
      { method: 'GET', ...(start ? { headers: { range: `bytes=${start}-` } } : {}) },
      what,
    );
    if (!response.ok) throw await this.apiError(response, what);
    if (start && response.status !== 206) {
      await response.body?.cancel().catch(() => undefined);
      throw new MlflowError(
        'failed',
        'invalid-response',
        `${what}: ${this.base} answered ${response.status}, not 206, to a Range request`,
        'the server does not serve ranges: the file is read again from its start',
      );
    }
    if (!response.body)
      throw new MlflowError('failed', 'invalid-response', `${what}: the response has no body`);
    return response.body;
  }

  private url(path: string): string {
    return `${this.base.replace(/\/+$/, '')}/${path}`;
  }

  private async json<T>(url: string, init: RequestInit, what: string): Promise<T> {
    const response = await this.send(url, init, what);
    if (!response.ok) throw await this.apiError(response, what);
    const text = await response.text();
    try {
      return (text ? JSON.parse(text) : {}) as T;
    } catch {
      throw new MlflowError(
        'failed',
        'invalid-response',
        `${what}: ${this.base} answered ${response.status} with a body that is not JSON`,
        'check that --registry names an MLflow tracking server',
      );
    }
  }

  private async send(url: string, init: RequestInit, what: string): Promise<Response> {
    const headers = {
      accept: 'application/json',
      ...this.options.headers,
      ...(init.headers as Record<string, string> | undefined),
    };
    try {
      return await fetchWithRetries(url, { ...init, headers }, this.options, `${what} from ${this.base}`);
    } catch (error) {
      throw new MlflowError(
        'failed',
        'registry-unreachable',
        `${what}: cannot reach ${this.base}: ${describeFetchFailure(error)}`,
        'check the registry URL and that the server is up',
        {
          cause: error,
        },
      );
    }
  }

  /** An HTTP error as an MlflowApiError (the caller maps known codes) or, for auth, an MlflowError. */
  private async apiError(response: Response, what: string): Promise<Error> {
    const text = await response.text().catch(() => '');
    let errorCode: string | undefined;
    let message = text.slice(0, 300).trim();
    try {
      const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
      if (typeof body.error_code === 'string') errorCode = body.error_code;
      if (typeof body.message === 'string') message = body.message;
    } catch {
      // not JSON: keep the text
    }
    const detail = `${response.status}${errorCode ? ` ${errorCode}` : ''}${message ? `: ${message}` : ''}`;
    if (response.status === 401) {
      return new MlflowError(
        'failed',
        'registry-unauthorized',
        `${what}: ${this.base} refused the credentials (${detail})`,
        CREDENTIAL_HINT,
      );
    }
    if (response.status === 403 || errorCode === 'PERMISSION_DENIED') {
      return new MlflowError(
        'failed',
        'registry-denied',
        `${what}: the token has no permission on ${this.base} (${detail})`,
        CREDENTIAL_HINT,
      );
    }
    return new MlflowApiError(response.status, errorCode, `${what}: ${detail}`);
  }
}

const CREDENTIAL_HINT =
  'set MLFLOW_TRACKING_TOKEN (or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD) to a credential that may read the model (and write tags and aliases); on GitLab a token with the api scope';

/** The artifact proxy path of a version's download URI, or undefined when it is not served by the proxy. */
export function artifactProxyPath(uri: string): string | undefined {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(uri);
  return match ? match[1]!.replace(/\/+$/, '') : undefined;
}
