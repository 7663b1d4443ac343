/**
 * Pages: time to first byte of the ticket queue for a signed-in user over plain HTTP, and in headless Chromium the
 * time until the queue is rendered and hydrated (its rows carry React's fiber, so clicks are handled). Cold is the
 * first visit of the queue in this server process with an empty browser cache; warm are the visits after it.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { DEMO_LOGINS, launchBrowser, signIn } from '../../tests/e2e/harness';
import { sessionCookie } from '../lib/portal-session';
import { summarize, type Summary } from '../lib/stats';
import type { Stage } from './stage';

export interface PageVisit {
  ttfbMs: number;
  /** Navigation start to the queue's rows rendered and hydrated; null when the page showed no queue rows. */
  interactiveMs: number | null;
  rows: number;
  status: number;
}

export interface PagesResult {
  path: string;
  http: { cold: { ttfbMs: number; totalMs: number; status: number }; warm: { ttfbMs: Summary; totalMs: Summary } };
  browser: { cold: PageVisit; warm: { ttfbMs: Summary; interactiveMs: Summary | null; visits: PageVisit[] } } | null;
  browserError?: string;
  selector: string;
  /** Other pages over plain HTTP (full response): queue filters and the SLA scorecard; absent in older results. */
  others?: Array<{ label: string; path: string; cold: { totalMs: number; status: number }; warm: Summary }>;
}

/** The queue's SLA and recent-tickets filters, and a scorecard (a manager's page). */
function otherPages(): Array<{ label: string; path: string; login: 'noc' | 'manager' }> {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const now = Date.now();
  const d = new Date(now);
  const lastMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  return [
    { label: 'queue, SLA at risk', path: '/tickets?sla=atRisk', login: 'noc' },
    { label: 'queue, created in the last 30 days', path: `/tickets?createdFrom=${day(now - 30 * 86_400_000)}&createdTo=${day(now)}`, login: 'noc' },
    { label: 'SLA scorecard, largest Seller, last month', path: `/service-levels?seller=northwind&month=${lastMonth}`, login: 'manager' },
  ];
}

const QUEUE_PATH = process.env.BENCH_QUEUE_PATH ?? '/tickets';
/** Rows of the queue: the first table in the page's main region. */
const ROW_SELECTOR = process.env.BENCH_QUEUE_ROWS ?? 'main table tbody tr';
const WARM_VISITS = 5;

function timedGet(url: string, cookie: string): Promise<{ ttfbMs: number; totalMs: number; status: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { headers: { cookie, accept: 'text/html' } }, (res) => {
      const ttfbMs = performance.now() - started;
      res.resume();
      res.once('end', () => resolve({ ttfbMs, totalMs: performance.now() - started, status: res.statusCode ?? 0 }));
    });
    req.once('error', reject);
  });
}

export async function runPages(stage: Stage): Promise<PagesResult> {
  const url = `${stage.portal.baseUrl}${QUEUE_PATH}`;
  const result: PagesResult = {
    path: QUEUE_PATH,
    selector: ROW_SELECTOR,
    http: { cold: { ttfbMs: 0, totalMs: 0, status: 0 }, warm: { ttfbMs: summarize([]), totalMs: summarize([]) } },
    browser: null,
  };
  const cookie = await sessionCookie(stage.portal.baseUrl, DEMO_LOGINS.noc);
  // The browser's cold visit comes first: it must be the first render of the queue in this server process.
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, stage.portal.baseUrl, DEMO_LOGINS.noc);
    const visit = async (): Promise<PageVisit> => {
      const response = await page.goto(url, { waitUntil: 'commit' });
      const interactive = await page
        .waitForFunction(
          (selector) => {
            const rows = document.querySelectorAll(selector);
            const first = rows[0];
            if (!first) return false;
            const hydrated = Object.keys(first).some((k) => k.startsWith('__reactFiber$'));
            return hydrated ? { at: window.performance.now(), rows: rows.length } : false;
          },
          ROW_SELECTOR,
          { polling: 'raf', timeout: 20_000 },
        )
        .then((handle) => handle.jsonValue() as Promise<{ at: number; rows: number }>)
        .catch(() => null);
      const timing = await page.evaluate(() => {
        const nav = window.performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        return nav ? { ttfb: nav.responseStart - nav.startTime, start: nav.startTime } : null;
      });
      return {
        ttfbMs: timing?.ttfb ?? Number.NaN,
        interactiveMs: interactive && timing ? interactive.at - timing.start : null,
        rows: interactive?.rows ?? 0,
        status: response?.status() ?? 0,
      };
    };
    const cold = await visit();
    const visits: PageVisit[] = [];
    for (let i = 0; i < WARM_VISITS; i++) visits.push(await visit());
    const interactive = visits.flatMap((v) => (v.interactiveMs === null ? [] : [v.interactiveMs]));
    result.browser = {
      cold,
      warm: { ttfbMs: summarize(visits.map((v) => v.ttfbMs)), interactiveMs: interactive.length ? summarize(interactive) : null, visits },
    };
    await context.close();
  } catch (err) {
    result.browserError = err instanceof Error ? err.message : String(err);
    stage.log(`browser visit failed: ${result.browserError}`);
  } finally {
    await browser.close();
  }
  result.http.cold = await timedGet(url, cookie);
  const warm: Array<{ ttfbMs: number; totalMs: number }> = [];
  for (let i = 0; i < 10; i++) warm.push(await timedGet(url, cookie));
  result.http.warm = { ttfbMs: summarize(warm.map((w) => w.ttfbMs)), totalMs: summarize(warm.map((w) => w.totalMs)) };
  const cookies = { noc: cookie, manager: await sessionCookie(stage.portal.baseUrl, DEMO_LOGINS.manager) };
  result.others = [];
  for (const other of otherPages()) {
    const target = `${stage.portal.baseUrl}${other.path}`;
    const cold = await timedGet(target, cookies[other.login]);
    const times: number[] = [];
    for (let i = 0; i < 10; i++) times.push((await timedGet(target, cookies[other.login])).totalMs);
    result.others.push({ label: other.label, path: other.path, cold: { totalMs: cold.totalMs, status: cold.status }, warm: summarize(times) });
  }
  return result;
}
