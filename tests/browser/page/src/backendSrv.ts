// A BackendSrv over window.fetch, answering as Grafana's does: `fetch` emits a
// FetchResponse or fails with a FetchError ({status, statusText, data}), the promise
// methods resolve to the body.
import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { Observable, lastValueFrom } from 'rxjs';

function withParams(url: string, params?: BackendSrvRequest['params']): string {
  if (!params || Object.keys(params).length === 0) {
    return url;
  }
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) {
      continue;
    }
    if (Array.isArray(v)) {
      v.forEach((item) => search.append(k, String(item)));
    } else {
      search.append(k, String(v));
    }
  }
  const q = search.toString();
  return q ? `${url}${url.includes('?') ? '&' : '?'}${q}` : url;
}

export class HarnessBackendSrv implements Partial<BackendSrv> {
  /** Every request made, for the tests: method, URL, time in the page, the server's time. */
  readonly log: Array<{ method: string; url: string; ms: number; status: number; serverTiming: string | null }> = [];

  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return new Observable<FetchResponse<T>>((subscriber) => {
      const abort = new AbortController();
      const method = (options.method ?? 'GET').toUpperCase();
      const url = withParams(options.url.startsWith('/') ? options.url : '/' + options.url, options.params);
      const headers: Record<string, string> = { Accept: 'application/json', ...(options.headers ?? {}) };
      let body: BodyInit | undefined;
      if (options.data !== undefined && method !== 'GET') {
        body = typeof options.data === 'string' ? options.data : JSON.stringify(options.data);
        headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
      }
      const started = performance.now();
      // Relative to the page's base, Grafana's sub-path, as Grafana's backendSrv fetches.
      fetch(url.slice(1), { method, headers, body, signal: abort.signal })
        .then(async (res) => {
          const text = await res.text();
          let data: any = text;
          if (options.responseType !== 'text') {
            try {
              data = text ? JSON.parse(text) : {};
            } catch {
              data = text;
            }
          }
          this.log.push({
            method,
            url,
            ms: performance.now() - started,
            status: res.status,
            serverTiming: res.headers.get('Server-Timing'),
          });
          const response: FetchResponse<T> = {
            data,
            status: res.status,
            statusText: res.statusText,
            ok: res.ok,
            headers: res.headers,
            redirected: res.redirected,
            type: res.type,
            url: res.url,
            config: options,
          };
          if (!res.ok) {
            const err: FetchError = {
              status: res.status,
              statusText: res.statusText,
              data,
              config: options,
              message: data?.message ?? res.statusText,
            } as FetchError;
            subscriber.error(err);
            return;
          }
          subscriber.next(response);
          subscriber.complete();
        })
        .catch((e) => {
          if (!abort.signal.aborted) {
            subscriber.error({ status: 0, statusText: String(e), data: { message: String(e) }, config: options });
          }
        });
      return () => abort.abort();
    });
  }

  async datasourceRequest<T>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
    return lastValueFrom(this.fetch<T>(options));
  }

  async request<T>(options: BackendSrvRequest): Promise<T> {
    return (await this.datasourceRequest<T>(options)).data;
  }

  get<T>(url: string, params?: any, requestId?: string, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, method: 'GET', url, params, requestId });
  }

  post<T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, method: 'POST', url, data });
  }

  put<T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, method: 'PUT', url, data });
  }

  patch<T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, method: 'PATCH', url, data });
  }

  delete<T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, method: 'DELETE', url, data });
  }

  resolveCancelerIfExists(): void {}
}
