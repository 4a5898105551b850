/**
 * The console's calls to the service: same-origin `fetch` with the session cookie (sent by the
 * browser, never readable here: it is HttpOnly), and on every call that changes anything the
 * session's CSRF token in `X-CSRF-Token`, read once from `GET /v1/session`. A 401 means the
 * session is gone (signed out, restarted service, idle too long): the page says so.
 */
import type { ErrorBody } from './types.js';

/** An error the service answered with. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody;

  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.status = status;
    this.body = body;
  }
}

/** The service, as the signed-in owner. */
export class Api {
  #csrf = '';
  /** Called once when the service answers 401. */
  onSignedOut: () => void = () => {};

  /** Reads the session's CSRF token; `false` when there is no session. */
  async start(): Promise<boolean> {
    const res = await fetch('/v1/session', {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    if (res.status !== 200) return false;
    const body = (await res.json()) as { csrfToken?: unknown };
    if (typeof body.csrfToken !== 'string') return false;
    this.#csrf = body.csrfToken;
    return true;
  }

  /** `GET path`, as JSON. */
  get<T>(path: string): Promise<T> {
    return this.#call<T>('GET', path, undefined);
  }

  /** `POST path` with a JSON body. */
  post<T>(path: string, body: unknown): Promise<T> {
    return this.#call<T>('POST', path, body);
  }

  /** `DELETE path`. */
  async delete(path: string): Promise<void> {
    await this.#call<unknown>('DELETE', path, undefined);
  }

  /** Ends the session. */
  async signOut(): Promise<void> {
    await this.#call<unknown>('POST', '/v1/signout', undefined);
  }

  async #call<T>(method: string, path: string, body: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') headers['x-csrf-token'] = this.#csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, {
        error: 'unavailable',
        code: 'ERR_CONSOLE_OFFLINE',
        message: 'the service cannot be reached',
      });
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (res.status === 401) this.onSignedOut();
    if (res.status < 200 || res.status > 299) {
      const error = parsed as Partial<ErrorBody> | null;
      throw new ApiError(res.status, {
        error: typeof error?.error === 'string' ? error.error : 'error',
        code: typeof error?.code === 'string' ? error.code : `HTTP_${res.status}`,
        message: typeof error?.message === 'string' ? error.message : `HTTP ${res.status}`,
      });
    }
    return parsed as T;
  }
}
