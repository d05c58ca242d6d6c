import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEPLOY_NGINX_OPTIONS, DEPLOY_NGINX_PATH, renderNginxConfig } from './nginx-config.js';

const runs = (command: string, args: string[]) => spawnSync(command, args, { encoding: 'utf8' }).error === undefined;
const hasNginx = runs('nginx', ['-v']);
if (!hasNginx) {
  if (process.env.REQUIRE_CLUSTER === '1') throw new Error("REQUIRE_CLUSTER=1 but no nginx on PATH: install Debian's nginx package.");
  console.warn("Skipping nginx -t: no nginx on PATH (install Debian's nginx package).");
}
const describeNginx = hasNginx ? describe : describe.skip;

describe('renderNginxConfig', () => {
  it('is what deploy/nginx.conf holds (run `npm run nginx:config` after changing it)', () => {
    expect(readFileSync(DEPLOY_NGINX_PATH, 'utf8')).toBe(renderNginxConfig(DEPLOY_NGINX_OPTIONS));
  });

  it('lists every node with passive health checks, and hashes on the session cookie', () => {
    const config = renderNginxConfig({ nodes: [3001, '10.0.0.7:3000'], listen: 8080, runtimeDir: '/tmp/fair-nginx', sessionCookie: 'fair_session' });
    expect(config).toContain('server 127.0.0.1:3001 max_fails=3 fail_timeout=10s;');
    expect(config).toContain('server 10.0.0.7:3000 max_fails=3 fail_timeout=10s;');
    expect(config).toContain('hash $fair_affinity consistent;');
    expect(config).toContain('fair_session=(?<fair_session_value>[^;]+)');
    expect(config).toContain('proxy_next_upstream error timeout http_502 http_503;');
    expect(config).not.toContain('ssl');
  });

  it('refuses values that would change the config instead of filling it in', () => {
    const base = { nodes: [3001], listen: 8080, runtimeDir: '/tmp/fair-nginx', sessionCookie: 'fair_session' };
    expect(() => renderNginxConfig({ ...base, nodes: ['127.0.0.1:3001; } server { listen 9'] })).toThrow(/unexpected characters/);
    expect(() => renderNginxConfig({ ...base, runtimeDir: 'relative/dir' })).toThrow(/absolute/);
    expect(() => renderNginxConfig({ ...base, sessionCookie: 'a=b' })).toThrow(/cookie/);
    expect(() => renderNginxConfig({ ...base, nodes: [] })).toThrow(/at least one node/);
  });
});

describeNginx('nginx -t', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fair-nginx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function nginxTest(config: string): { status: number | null; output: string } {
    const file = join(dir, 'nginx.conf');
    writeFileSync(file, config);
    const result = spawnSync('nginx', ['-t', '-p', dir, '-e', join(dir, 'error.log'), '-c', file], { encoding: 'utf8' });
    return { status: result.status, output: result.stderr };
  }

  it('accepts a local cluster: plain HTTP, development cookie', () => {
    const result = nginxTest(renderNginxConfig({ nodes: [3001, 3002, 3003], listen: '127.0.0.1:8080', runtimeDir: dir, sessionCookie: 'fair_session' }));
    expect(result.output).toContain('test is successful');
    expect(result.status).toBe(0);
  });

  // TLS needs a certificate; openssl comes with Debian's nginx setups but is not part of it.
  const hasOpenssl = runs('openssl', ['version']);
  it.skipIf(!hasOpenssl && process.env.REQUIRE_CLUSTER !== '1')('accepts the deploy config (TLS) with a certificate in place', () => {
    const certificate = join(dir, 'fair.crt');
    const certificateKey = join(dir, 'fair.key');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', certificateKey, '-out', certificate]);
    expect(made.status).toBe(0);
    const result = nginxTest(renderNginxConfig({ ...DEPLOY_NGINX_OPTIONS, runtimeDir: dir, tls: { certificate, certificateKey, httpRedirectListen: 8081 }, listen: 8443 }));
    expect(result.output).toContain('test is successful');
    expect(result.status).toBe(0);
  });
});
