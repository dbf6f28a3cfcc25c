// What the editors show of a failed request: the backend's own words when it sent some
// (resources answer {"error": ...}, Grafana's API {"message": ...}), else the HTTP status.
import type { FetchError } from '@grafana/runtime';

export function errorMessage(e: unknown): string {
  const err = e as Partial<FetchError<{ error?: string; message?: string }>> & { message?: string };
  return err?.data?.error ?? err?.data?.message ?? err?.message ?? err?.statusText ?? String(e);
}
