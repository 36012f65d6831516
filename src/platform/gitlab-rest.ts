/**
 * The few GitLab REST v4 calls the GitLab reporters make, with a token sent as `PRIVATE-TOKEN`.
 * Errors name the request and carry GitLab's own message, with a hint for the usual causes.
 */
import { PromotionError } from '../errors.js';

export type GitlabErrorCode = 'gitlab-api' | 'gitlab-unreachable';

export class GitlabError extends PromotionError<GitlabErrorCode> {
  override readonly name = 'GitlabError';
  constructor(code: GitlabErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super('failed', code, message, hint, options);
  }
}

export interface GitlabRestOptions {
  /** `CI_API_V4_URL` */
  readonly apiUrl: string;
  readonly token: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

export class GitlabRest {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: GitlabRestOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  async request<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    const { json } = await this.send<T>(method, path, body);
    return json;
  }

  /** Every page of a list (`per_page=100`, following `x-next-page`). */
  async list<T>(path: string, maxPages = 20): Promise<T[]> {
    const items: T[] = [];
    let page = '1';
    for (let n = 0; n < maxPages && page; n++) {
      const separator = path.includes('?') ? '&' : '?';
      const { json, headers } = await this.send<T[]>('GET', `${path}${separator}per_page=100&page=${page}`);
      items.push(...json);
      page = headers.get('x-next-page') ?? '';
    }
    return items;
  }

  private async send<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ json: T; headers: Headers }> {
    const what = `${method} ${path.replace(/[?&](per_page|page)=[^&]*/g, '')}`;
    let response: Response;
    try {
      response = await this.fetch(`${this.options.apiUrl}${path}`, {
        method,
        headers: {
          'PRIVATE-TOKEN': this.options.token,
          Accept: 'application/json',
          ...(body !== undefined && { 'Content-Type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new GitlabError(
        'gitlab-unreachable',
        `${what}: ${error instanceof Error ? error.message : String(error)}`,
        `check that CI_API_V4_URL (${this.options.apiUrl}) is reachable from the job`,
        { cause: error },
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new GitlabError(
        'gitlab-api',
        `${what}: ${response.status} ${gitlabMessage(text) || response.statusText}`,
        hintFor(response.status),
      );
    }
    return { json: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  }
}

/** GitLab answers errors as `{"message": ...}` or `{"error": ...}`; anything else is shown as is. */
function gitlabMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    const said = parsed.message ?? parsed.error;
    return typeof said === 'string' ? said : JSON.stringify(said ?? parsed);
  } catch {
    return text.slice(0, 200);
  }
}

function hintFor(status: number): string | undefined {
  if (status === 401) return 'the gitlab-token (GITLAB_TOKEN) is invalid or expired';
  if (status === 403)
    return 'give gitlab-token the `api` scope and at least the Reporter role on the project';
  if (status === 404) return 'the project or merge request is not visible to the gitlab-token';
  return undefined;
}
