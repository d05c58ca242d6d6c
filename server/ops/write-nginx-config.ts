import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEPLOY_NGINX_OPTIONS, DEPLOY_NGINX_PATH, renderNginxConfig } from './nginx-config.js';

// `npm run nginx:config`: rewrites deploy/nginx.conf from server/ops/nginx-config.ts.
const target = resolve(DEPLOY_NGINX_PATH);
writeFileSync(target, renderNginxConfig(DEPLOY_NGINX_OPTIONS));
console.log(`wrote ${target}`);
