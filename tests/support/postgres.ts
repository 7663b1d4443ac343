import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { freePort } from './free-port';

export interface ThrowawayPostgres {
  /** A fresh, empty database; the user is a superuser (tests create roles and databases). */
  url: string;
  stop(): Promise<void>;
}

type Source = { kind: 'url'; url: string } | { kind: 'cluster'; bin: string } | { kind: 'none'; reason: string };

const PG_ROOT = '/usr/lib/postgresql';

/** PG_TEST_URL (CI sets it), else the newest local PostgreSQL server binaries, else why neither is there. */
function findPostgres(): Source {
  const url = process.env.PG_TEST_URL?.trim();
  if (url) return { kind: 'url', url };
  const versions = fs.existsSync(PG_ROOT)
    ? fs
        .readdirSync(PG_ROOT)
        .filter((v) => fs.existsSync(path.join(PG_ROOT, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) return { kind: 'none', reason: `PG_TEST_URL is not set and there is no ${PG_ROOT}/*/bin/initdb` };
  if (process.getuid?.() === 0 && !postgresUser()) {
    return { kind: 'none', reason: 'running as root, and there is no postgres user to run the server as' };
  }
  return { kind: 'cluster', bin: path.join(PG_ROOT, versions[0]!, 'bin') };
}

function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * A PostgreSQL database to throw away: a new database on PG_TEST_URL's server, or a temporary cluster (fsync off, on
 * a free loopback port, password authentication over TCP) when the server binaries are installed; undefined when
 * neither is available.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres | undefined> {
  const source = findPostgres();
  if (source.kind === 'none') return undefined;
  if (source.kind === 'url') return databaseOn(source.url, async () => undefined);
  return startCluster(source.bin);
}

async function databaseOn(serverUrl: string, stopServer: () => Promise<void>): Promise<ThrowawayPostgres> {
  const name = `portal_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async stop() {
      try {
        await adminQuery(serverUrl, `drop database if exists "${name}" with (force)`);
      } finally {
        await stopServer();
      }
    },
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function startCluster(bin: string): Promise<ThrowawayPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-pg-'));
  const data = path.join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  fs.writeFileSync(path.join(dir, 'password'), password);
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (owner) {
    for (const entry of [dir, path.join(dir, 'password')]) fs.chownSync(entry, owner.uid, owner.gid);
  }
  const run = (program: string, args: string[]) =>
    owner
      ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, program), ...args], { cwd: dir, stdio: 'pipe' })
      : execFileSync(path.join(bin, program), args, { cwd: dir, stdio: 'pipe' });
  const port = await freePort();
  const stopServer = async () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    } catch {
      // Already stopped.
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', data, '-U', 'postgres', `--pwfile=${path.join(dir, 'password')}`, '--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync']);
    const settings = ['listen_addresses=127.0.0.1', `port=${port}`, `unix_socket_directories=${dir}`, 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
    run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', '-o', settings.map((s) => `-c ${s}`).join(' '), 'start']);
  } catch (error) {
    const log = fs.existsSync(path.join(dir, 'server.log')) ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8') : '';
    await stopServer();
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`the throwaway PostgreSQL cluster did not start: ${stderr}${log}`.trim(), { cause: error });
  }
  return databaseOn(`postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stopServer);
}

/**
 * A suite that needs PostgreSQL: `server()` gives its throwaway database inside hooks and tests. Without PostgreSQL
 * the suite is skipped with one line saying why, except under CI=true or PG_REQUIRED=1, where that is a failure.
 */
export function describeOnPostgres(name: string, fn: (server: () => ThrowawayPostgres) => void): void {
  const source = findPostgres();
  if (source.kind === 'none') {
    if (process.env.CI === 'true' || process.env.PG_REQUIRED === '1') {
      describe(name, () => {
        it('has a PostgreSQL server to run on', () => {
          throw new Error(`PostgreSQL is required here (CI=true or PG_REQUIRED=1) but ${source.reason}`);
        });
      });
      return;
    }
    console.warn(`PostgreSQL part skipped (${name}): ${source.reason}; set PG_TEST_URL or install postgresql to run it.`);
    describe.skip(name, () =>
      fn(() => {
        throw new Error('no PostgreSQL');
      }),
    );
    return;
  }
  describe(name, () => {
    let started: ThrowawayPostgres | undefined;
    beforeAll(async () => {
      started = await startThrowawayPostgres();
    }, 120_000);
    afterAll(async () => {
      await started?.stop();
    });
    fn(() => {
      if (!started) throw new Error('the throwaway PostgreSQL did not start');
      return started;
    });
  });
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}
