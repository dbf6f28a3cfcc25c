// The browser harness for node's test runner: the Go server (tests/cmd/grafana) over the
// real plugin, Prometheus and simulator, and Debian's chromium driven by playwright-core.
//
//   const h = await startHarness();              // server + one browser
//   const page = await h.open({ view: 'query', uid: 'mcp', theme: 'dark' });
//   await h.screenshot(page, 'query-editor-dark');
//   await h.stop();                              // browser closed, server stopped by its PID
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
const frontendModules = path.resolve(process.env.FRONTEND_NODE_MODULES ?? path.join(repo, 'frontend', 'node_modules'));
/** Requires a package from the frontend's node_modules (the tools the tests use). */
export const frontendRequire = createRequire(path.join(frontendModules, '..', 'package.json'));
const { chromium } = frontendRequire('playwright-core');

export const CHROMIUM = process.env.MCP_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
// The built harness page the server serves: MCP_HARNESS_PAGE selects the Grafana line
// (page/build.mjs writes the 10.4 page to page/dist, the same env var names another output).
const defaultPage = path.join(here, 'page', 'dist');
export const HARNESS_PAGE = path.resolve(process.env.MCP_HARNESS_PAGE ?? defaultPage);
// Screenshots of another page's run go beside the default's, in a folder named after it.
export const ARTIFACTS = path.join(
  repo,
  'test-artifacts',
  'browser',
  ...(HARNESS_PAGE === defaultPage ? [] : [path.basename(HARNESS_PAGE)])
);

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function poll(what, check, timeoutMs = 30000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v) {
        return v;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${last.message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Answers a test provokes on purpose (a failing query, a health ERROR) and the favicon; a
 * request outside the server's sub-path is never one.
 */
function expectedFailures(r, subPath) {
  const u = new URL(r.url());
  const api = u.pathname.startsWith(`${subPath}/`) ? u.pathname.slice(subPath.length) : '';
  return u.pathname === '/favicon.ico' || api === '/api/ds/query' || api.endsWith('/health');
}

let built;

/**
 * The Go server binary: MCP_GRAFANA_BINARY, else built from tests/cmd/grafana once per
 * process into a temporary folder removed when the process exits.
 */
function serverBinary() {
  if (process.env.MCP_GRAFANA_BINARY) {
    return process.env.MCP_GRAFANA_BINARY;
  }
  if (!built) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-harness-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    built = path.join(dir, 'grafana');
    execFileSync('go', ['build', '-o', built, './cmd/grafana'], { cwd: path.join(repo, 'tests'), stdio: 'inherit' });
  }
  return built;
}

/**
 * Starts the Go server and waits for its ready line; `profile` (e.g. 'otel') is the simulator's
 * metric profile and the "mcp" datasource's; under `subPath` (e.g. '/grafana') it
 * serves everything there, as Grafana with serve_from_sub_path, and its url ends with it.
 */
export async function startServer({ scenario, profile, extraServers, csp, subPath = '' } = {}) {
  const args = ['-repo', repo, '-harness', HARNESS_PAGE];
  if (process.env.MCP_DIST) {
    args.push('-dist', process.env.MCP_DIST);
  }
  if (scenario) {
    args.push('-scenario', scenario);
  }
  if (profile) {
    args.push('-profile', profile);
  }
  if (extraServers) {
    args.push('-extra-servers', String(extraServers));
  }
  if (csp) {
    args.push('-csp', csp);
  }
  if (subPath) {
    args.push('-sub-path', subPath);
  }
  const child = spawn(serverBinary(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let logs = '';
  child.stderr.on('data', (d) => (logs += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const lines = readline.createInterface({ input: child.stdout });
  const ready = await Promise.race([
    new Promise((resolve) => lines.once('line', (l) => resolve(JSON.parse(l)))),
    exited.then(({ code, signal }) => {
      throw new Error(`the harness server exited before ready (code ${code}, signal ${signal}):\n${logs}`);
    }),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`no ready line within 120 s:\n${logs}`)), 120000).unref()
    ),
  ]);
  return {
    ...ready,
    subPath,
    pid: child.pid,
    logs: () => logs,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      process.kill(child.pid, 'SIGTERM');
      const killer = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 15000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** The server, one browser, and pages on the harness. */
export async function startHarness(opts = {}) {
  const server = await startServer(opts);
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  } catch (e) {
    await server.stop();
    throw e;
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const pages = [];
  return {
    server,
    browser,
    /**
     * Opens /harness/?view=..&uid=..&theme=.. and waits until the plugin is mounted; the
     * browser in `timezoneId` (the machine's by default), `init` run in the page before its own scripts.
     * The page's errors are in `page.errors`, the URLs it requested in `page.requests`.
     */
    async open({
      view = 'query',
      uid,
      theme = 'light',
      extra = {},
      width = 1200,
      height = 900,
      timezoneId,
      init,
    } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, timezoneId });
      const page = await context.newPage();
      if (init) {
        await page.addInitScript(init);
      }
      const errors = [];
      const requests = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => errors.push(String(e)));
      // A failed request is named by its URL below, not by chromium's console line.
      page.on(
        'console',
        (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text())
      );
      page.on(
        'response',
        (r) =>
          r.status() >= 400 &&
          !expectedFailures(r, server.subPath) &&
          errors.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`)
      );
      page.errors = errors;
      page.requests = requests;
      pages.push(page);
      const q = new URLSearchParams({ view, theme, ...(uid ? { uid } : {}), ...extra });
      await page.goto(`${server.url}/harness/?${q}`);
      await page.waitForFunction(() => document.body.getAttribute('data-harness-state'), null, { timeout: 30000 });
      const state = await page.evaluate(() => document.body.getAttribute('data-harness-state'));
      if (state !== 'ready') {
        throw new Error(
          `the harness page failed: ${await page.evaluate(() => window.harnessError)}\n${errors.join('\n')}`
        );
      }
      return page;
    },
    async screenshot(page, name) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async stop() {
      await browser.close().catch(() => {});
      await server.stop();
    },
  };
}

/** Fetches JSON from the harness server. */
export async function api(server, pathname, init) {
  const res = await fetch(server.url + pathname, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The editors' data-testid values (frontend/src/datasource/selectors.ts, built with the page). */
export async function editorSelectors() {
  return (await import(path.join(HARNESS_PAGE, 'selectors.mjs'))).selectors;
}

/**
 * A CSS selector for one of Grafana's own elements, by its path in @grafana/e2e-selectors
 * (e.g. 'components.Select.option') as the page's Grafana release names it: a value starting
 * "data-testid" is a test id (Grafana 11 and later for most), any other an aria-label (10.4).
 */
export async function grafanaSelector(page, selectorPath) {
  const value = await page.evaluate((p) => p.split('.').reduce((o, k) => o?.[k], window.harness.e2e), selectorPath);
  if (typeof value !== 'string') {
    throw new Error(`@grafana/e2e-selectors has no selector ${selectorPath}`);
  }
  return value.startsWith('data-testid')
    ? `[data-testid=${JSON.stringify(value)}]`
    : `[aria-label=${JSON.stringify(value)}]`;
}

/** Switches the simulator's scenario and waits until Prometheus sees each job as wanted. */
export async function setScenario(server, scenario, want) {
  const res = await fetch(`http://${server.simulatorControl}/scenario/${scenario}`, { method: 'PUT' });
  if (!res.ok) {
    throw new Error(`scenario ${scenario}: HTTP ${res.status} ${await res.text()}`);
  }
  await poll(
    `targets ${JSON.stringify(want)} after scenario ${scenario}`,
    async () => {
      const targets = (await (await fetch(`${server.prometheus}/api/v1/targets?state=active`)).json()).data
        .activeTargets;
      return Object.entries(want).every(([job, health]) =>
        targets.some((t) => t.labels.job === job && t.health === health)
      );
    },
    60000
  );
}

/**
 * One harness for the tests of a describe block: started before them, stopped after.
 * Returns an object whose `h` (the harness) and `sel` (the editors' test ids) are set once
 * the block starts.
 */
export function useHarness(opts) {
  const ctx = {};
  before(async () => {
    ctx.h = await startHarness(opts);
    ctx.sel = await editorSelectors();
  });
  after(async () => {
    await ctx.h?.stop();
  });
  return ctx;
}
