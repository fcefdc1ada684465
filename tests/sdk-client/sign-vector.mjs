// Known-answer vectors for the SDK-HMAC-SHA256 (AK/SK) request signature, produced by the
// REAL official Huawei Cloud Node SDK (@huaweicloud/huaweicloud-sdk-core 3.1.211).
//
//   cd tests/sdk-client && npm install && node sign-vector.mjs
//
// Prints one JSON document on stdout:
//   { ak, sk, projectId, date, requests: [ { name, method, target, headers: [[name, value], ...], bodyBase64 } ] }
// where every request is exactly what a server receives on the wire (request target as sent,
// headers as sent minus the random User-Agent, raw body bytes).
//
// Two kinds of vectors:
//  - "client:*": real FunctionGraphClient calls. The SDK signs and axios sends them through an
//    http.Agent that connects every socket to a local capture server, so the endpoint (and so
//    the signed Host header) stays fixed at http://fgs.example.test:8080 whatever the port.
//  - "signer:*": AKSKSigner.sign called directly for cases the FunctionGraph client cannot
//    produce (multi-value query, underscore header names, UNSIGNED-PAYLOAD); the wire form is
//    built the way DefaultHttpClient + axios build it (WHATWG URL path, querystring.stringify).
//
// The clock is frozen (Date.now) so the output is deterministic; the C# tests
// (tests/Fgs.Invoker.Tests/Auth/SignatureVerifierTests.cs) embed this output literally and
// also run this script live when node and node_modules are present.
import http from 'node:http';
import net from 'node:net';
import querystring from 'node:querystring';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const core = require('@huaweicloud/huaweicloud-sdk-core');
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner');
const fg = require('@huaweicloud/huaweicloud-sdk-functiongraph');

const AK = 'FGSTESTAK0123456789';
const SK = 'fgs-test-secret/key+0123456789abcdef';
const PROJECT = '0123456789abcdef0123456789abcdef';
const FIXED_MS = Date.UTC(2024, 0, 2, 3, 4, 5); // 20240102T030405Z
const ENDPOINT = 'http://fgs.example.test:8080';
const URN = `urn:fss:cn-north-4:${PROJECT}:function:default:hello-world:latest`;

Date.now = () => FIXED_MS; // moment() reads Date.now()

if (process.env.SIGN_VECTOR_DEBUG) {
  // Show the SDK's canonical requests on stderr (handy when a server-side check disagrees).
  const build = AKSKSigner.buildCanonicalRequest.bind(AKSKSigner);
  AKSKSigner.buildCanonicalRequest = (...args) => {
    const canonical = build(...args);
    process.stderr.write(`---- canonical request\n${canonical}\n`);
    return canonical;
  };
}

// ---- capture server -------------------------------------------------------------------------
const captured = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const headers = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (req.rawHeaders[i].toLowerCase() === 'user-agent') continue; // random app id, unsigned
      headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    }
    captured.push({ method: req.method, target: req.url, headers, bodyBase64: Buffer.concat(chunks).toString('base64') });
    res.setHeader('Content-Type', 'application/json');
    res.end('{}');
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;
const agent = new http.Agent({ keepAlive: false });
agent.createConnection = (_options, callback) => {
  const socket = net.createConnection({ host: '127.0.0.1', port });
  if (callback) socket.once('connect', () => callback(null, socket));
  return socket;
};

const credentials = new core.BasicCredentials().withAk(AK).withSk(SK).withProjectId(PROJECT);
const client = fg.FunctionGraphClient.newBuilder()
  .withCredential(credentials)
  .withEndpoint(ENDPOINT)
  .withOptions({ axiosRequestConfig: { httpAgent: agent, maxRedirects: 0 } })
  .build();

const vectors = [];
async function clientCall(name, fn) {
  const before = captured.length;
  await fn();
  if (captured.length !== before + 1) throw new Error(`${name}: expected one captured request`);
  vectors.push({ name: `client:${name}`, ...captured[before] });
}

await clientCall('listFunctions', () => client.listFunctions(new fg.ListFunctionsRequest()
  .withMarker('0').withMaxitems('5').withFuncName("a b*(é)~!'").withPackageName('x+y/z:$')));
await clientCall('showFunctionConfig', () => client.showFunctionConfig(new fg.ShowFunctionConfigRequest()
  .withFunctionUrn(URN)));
await clientCall('invokeFunction', () => client.invokeFunction(new fg.InvokeFunctionRequest()
  .withFunctionUrn(URN).withXCffLogType('tail').withBody({ k: 'v é', n: 1 })));
await clientCall('createFunction', () => client.createFunction(new fg.CreateFunctionRequest().withBody(
  new fg.CreateFunctionRequestBody()
    .withFuncName('hello-world').withPackage('default').withRuntime('Custom').withHandler('bootstrap')
    .withTimeout(30).withMemorySize(128).withCodeType('inline')
    .withFuncCode(new fg.FuncCode().withFile('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==')))));
await clientCall('deleteFunction', () => client.deleteFunction(new fg.DeleteFunctionRequest()
  .withFunctionUrn(URN)));
// Characters the two URL parsers treat differently: url.parse (what the SDK signs) leaves
// non-ASCII raw and escapes ' ^ |, WHATWG URL (what axios sends) does the opposite.
await clientCall('showFunctionConfig-odd-path', () => client.showFunctionConfig(new fg.ShowFunctionConfigRequest()
  .withFunctionUrn(`urn:fss:cn-north-4:${PROJECT}:function:default:héllo wörld'^|$@!*(),;=+&~:latest`)));

server.close();

// ---- direct AKSKSigner.sign vectors ---------------------------------------------------------
function signDirect(name, { method, path, queryParams, headers, data, rawBody }) {
  const request = {
    method,
    endpoint: `${ENDPOINT}${path}`,
    queryParams,
    headers: { ...headers },
    data,
  };
  const signed = AKSKSigner.sign(request, credentials);
  const query = querystring.stringify(queryParams ?? {});
  const target = new URL(`${ENDPOINT}${path}`).pathname + (query ? `?${query}` : '');
  const body = rawBody ?? (data ? Buffer.from(JSON.stringify(data)) : Buffer.alloc(0));
  vectors.push({
    name: `signer:${name}`,
    method,
    target,
    headers: Object.entries(signed),
    bodyBase64: body.toString('base64'),
  });
}

signDirect('multi-value-query-and-header-order', {
  method: 'GET',
  path: `/v2/${PROJECT}/fgs/functions`,
  queryParams: { z: ['b', 'a', '10', '9'], 'k é': 'v/1 2', a: '', '~x': '*' },
  headers: { 'content-type': 'application/json', 'X-Project-Id': PROJECT, x_b: 'under', 'x-a': 'a, b', 'X-Custom': 'Mixed' },
});
signDirect('unsigned-payload', {
  method: 'PUT',
  path: `/v2/${PROJECT}/fgs/functions/${URN}/code`,
  queryParams: {},
  headers: { 'content-type': 'application/octet-stream', 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' },
  rawBody: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff]),
});
signDirect('trailing-slash-empty-body-post', {
  method: 'POST',
  path: `/v2/${PROJECT}/fgs/functions/`,
  queryParams: {},
  headers: { 'content-type': 'application/json' },
});

// One request per line, so the output can be pasted into a C# raw string literal and diffed.
const head = JSON.stringify({ ak: AK, sk: SK, projectId: PROJECT, date: '20240102T030405Z' }).slice(0, -1);
process.stdout.write(`${head},"requests":[\n${vectors.map((v) => JSON.stringify(v)).join(',\n')}\n]}\n`);
