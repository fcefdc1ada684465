// End-to-end check of a running invoker with the OFFICIAL Huawei Cloud FunctionGraph SDK
// (@huaweicloud/huaweicloud-sdk-functiongraph 3.1.211, AK/SK signed requests).
//
// How to run (the invoker must be listening and know FGS_AK/FGS_SK):
//   cd tests/sdk-client && npm install
//   FGS_ENDPOINT=http://127.0.0.1:8080 FGS_AK=<ak> FGS_SK=<sk> node e2e.mjs
// Optional env:
//   FGS_PROJECT  project id in the URLs (default 0123456789abcdef0123456789abcdef)
//   FGS_ZIP      path of a code zip holding an executable `bootstrap` (Custom runtime); by default a
//                bash + curl bootstrap is zipped in-process (stored zip, no extra npm packages)
//   FGS_DEBUG=1  print request/response details on failures
//
// Steps: create a Custom function, show its config and code, list functions, update its config
// (timeout, memory, user_data, description) and code, invoke it synchronously with
// X-Cff-Log-Type: tail, send invalid bodies (bad name, bad memory) expecting 400 with
// error_code/error_msg, invoke an unknown function expecting 404, delete the function.
// Versions and aliases: publish version v1 (with latest's digest) before the code update, list
// versions, invoke `:v1` after latest's code changed (it must still run the frozen v1 code), refuse
// a publish with a stale digest, publish v2, create alias `canary` (v1 + 30 % canary weight on v2),
// show/list/update (weight 100 -> always v2) and invoke it through `:!canary`, delete it, delete
// version v1 with DeleteFunction on the version URN (an alias on v1 goes with it).
// Also: UpdateFunctionMaxInstanceConfig (5, then 0 -> invoke 429, then -1), ListQuotas, invoke with
// X-CFF-Request-Version: v1 (result is the parsed JSON), and an invoke body over 6 MB -> 413 FSS.0413.
// The last line is "N passed, N failed"; the exit code is non-zero when anything failed.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const core = require('@huaweicloud/huaweicloud-sdk-core');
const fg = require('@huaweicloud/huaweicloud-sdk-functiongraph');

const ENDPOINT = process.env.FGS_ENDPOINT ?? 'http://127.0.0.1:8080';
const AK = process.env.FGS_AK;
const SK = process.env.FGS_SK;
const PROJECT = process.env.FGS_PROJECT || '0123456789abcdef0123456789abcdef';
const ZIP_PATH = process.env.FGS_ZIP;
const DEBUG = !!process.env.FGS_DEBUG;

if (!AK || !SK) {
  console.error('FGS_AK and FGS_SK must be set (the access key and secret key the invoker accepts).');
  console.log('0 passed, 1 failed');
  process.exit(2);
}

// ---- a stored (uncompressed) zip writer with CRC-32 ------------------------------------------
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** files: [{ name, data: Buffer|string, mode: 0o755 }] -> Buffer (zip, method 0 = stored). */
function storedZip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  const dosTime = (12 << 11) | (0 << 5) | 0; // 12:00:00
  const dosDate = ((2024 - 1980) << 9) | (1 << 5) | 1; // 2024-01-01
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const data = Buffer.isBuffer(file.data) ? file.data : Buffer.from(file.data, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below counts
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE((((0o100000 | (file.mode ?? 0o644)) << 16) >>> 0), 38); // regular file + mode
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** A Custom-runtime bootstrap (bash + curl) answering {"marker":..., "greeting":$GREETING, "event":<event>}. */
function bootstrap(marker) {
  return `#!/bin/bash
# FunctionGraph Custom runtime: poll the runtime API, answer every event.
set -u
API="http://\${RUNTIME_API_ADDR}/v1/runtime/invocation"
while true; do
  HEADERS=$(mktemp)
  EVENT=$(curl -sS -D "$HEADERS" "$API/request")
  REQUEST_ID=$(grep -i '^X-Cff-Request-Id:' "$HEADERS" | cut -d: -f2 | tr -d '[:space:]')
  rm -f "$HEADERS"
  echo "e2e bootstrap ${marker} handling $REQUEST_ID"
  [ -n "$EVENT" ] || EVENT=null
  printf '{"marker":"%s","greeting":"%s","event":%s}' "${marker}" "\${GREETING:-}" "$EVENT" \\
    | curl -sS -X POST -H 'Content-Type: application/json' --data-binary @- "$API/response/$REQUEST_ID" >/dev/null
done
`;
}

const ownZip = !ZIP_PATH;
const zipV1 = ownZip ? storedZip([{ name: 'bootstrap', data: bootstrap('v1'), mode: 0o755 }]) : fs.readFileSync(ZIP_PATH);
const zipV2 = ownZip ? storedZip([{ name: 'bootstrap', data: bootstrap('v2'), mode: 0o755 }]) : zipV1;

// ---- client and a tiny test runner ------------------------------------------------------------
const credentials = new core.BasicCredentials().withAk(AK).withSk(SK).withProjectId(PROJECT);
const client = fg.FunctionGraphClient.newBuilder()
  .withCredential(credentials)
  .withEndpoint(ENDPOINT)
  .build();
// The SDK logs every non-2xx response (with the whole axios config) at ERROR; the expected 400/404s
// would drown the report, so keep that for FGS_DEBUG.
const sdkLogger = client.hcClient?.httpClient?._logger;
if (!DEBUG && sdkLogger && typeof sdkLogger.error === 'function') sdkLogger.error = () => {};

let passed = 0;
let failed = 0;

async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`PASS ${name}`);
  } catch (error) {
    failed++;
    const detail = error?.httpStatusCode !== undefined
      ? `HTTP ${error.httpStatusCode} ${error.errorCode ?? ''} ${error.errorMsg ?? error.message ?? ''}`
      : (error?.stack ?? String(error));
    console.log(`FAIL ${name}: ${detail}`);
    if (DEBUG) console.log(error);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function assertEqual(actual, expected, what) {
  assert(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Runs an SDK call that must fail with `status` and a FunctionGraph error body (error_code / error_msg). */
async function expectError(status, call) {
  let response;
  try {
    response = await call();
  } catch (error) {
    assertEqual(error?.httpStatusCode, status, 'HTTP status');
    assert(typeof error.errorCode === 'string' && error.errorCode.length > 0, `error_code missing (got ${JSON.stringify(error.errorCode)})`);
    assert(typeof error.errorMsg === 'string' && error.errorMsg.length > 0, `error_msg missing (got ${JSON.stringify(error.errorMsg)})`);
    return error;
  }
  throw new Error(`expected HTTP ${status}, but the call succeeded: ${JSON.stringify(response)}`);
}

function decodeLog(log) {
  if (typeof log !== 'string') return '';
  if (log.includes('Start invoke request')) return log;
  try {
    return Buffer.from(log, 'base64').toString('utf8');
  } catch {
    return log;
  }
}

/** Invokes `urn` with X-Cff-Log-Type: tail; returns { response, result (parsed JSON), log (text) }. */
async function invokeJson(urn, event, requestVersion) {
  let request = new fg.InvokeFunctionRequest().withFunctionUrn(urn).withXCffLogType('tail').withBody(event);
  if (requestVersion) request = request.withXCFFRequestVersion(requestVersion);
  const response = await client.invokeFunction(request);
  assertEqual(response.httpStatusCode, 200, 'HTTP status');
  assertEqual(response.status, 200, `envelope status (error_code ${response.error_code}, error_msg ${response.error_msg})`);
  const result = typeof response.result === 'string' ? JSON.parse(response.result) : response.result;
  return { response, result, log: decodeLog(response.log) };
}

/** ListVersionAliases answers a JSON array; the SDK hands that array back as the response itself. */
function aliasList(response) {
  if (Array.isArray(response)) return response;
  if (Array.isArray(response?.body)) return response.body;
  throw new Error(`ListVersionAliases answer is not an array: ${JSON.stringify(response)}`);
}

async function listAllVersions(urn) {
  const all = [];
  let marker = '0';
  for (let page = 0; page < 10; page++) {
    const response = await client.listFunctionVersions(new fg.ListFunctionVersionsRequest()
      .withFunctionUrn(urn).withMarker(marker).withMaxitems('100'));
    assertEqual(response.httpStatusCode, 200, 'status');
    assert(Array.isArray(response.versions), `versions is not an array: ${JSON.stringify(response)}`);
    all.push(...response.versions);
    if (response.next_marker === undefined || String(response.next_marker) === marker
      || response.versions.length === 0 || all.length >= (response.count ?? 0)) break;
    marker = String(response.next_marker);
  }
  return all;
}

// ---- the scenario -----------------------------------------------------------------------------
const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const funcName = `e2e-sdk-${suffix}`;
let funcUrn;

console.log(`endpoint ${ENDPOINT}, project ${PROJECT}, function ${funcName}, code ${ownZip ? 'built-in bootstrap zip' : ZIP_PATH}`);

await step('create function (Custom, zip)', async () => {
  const body = new fg.CreateFunctionRequestBody()
    .withFuncName(funcName)
    .withPackage('default')
    .withRuntime(fg.CreateFunctionRequestBodyRuntimeEnum.CUSTOM)
    .withHandler('bootstrap')
    .withTimeout(30)
    .withMemorySize(128)
    .withCodeType(fg.CreateFunctionRequestBodyCodeTypeEnum.ZIP)
    .withCodeFilename('e2e.zip')
    .withFuncCode(new fg.FuncCode().withFile(zipV1.toString('base64')))
    .withDescription('created by tests/sdk-client/e2e.mjs');
  const response = await client.createFunction(new fg.CreateFunctionRequest().withBody(body));
  assertEqual(response.httpStatusCode, 200, 'status');
  assertEqual(response.func_name, funcName, 'func_name');
  assert(typeof response.func_urn === 'string' && response.func_urn.startsWith('urn:fss:'), `func_urn: ${response.func_urn}`);
  funcUrn = response.func_urn;
  assertEqual(response.runtime, 'Custom', 'runtime');
  assertEqual(response.memory_size, 128, 'memory_size');
});

if (!funcUrn) {
  console.log('cannot continue without a function');
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(1);
}
const baseUrn = funcUrn.replace(/:latest$/, '');
const v1Urn = `${baseUrn}:v1`;
let v1Digest; // latest's digest when v1 was published (the v1 code)

await step('show function config', async () => {
  const response = await client.showFunctionConfig(new fg.ShowFunctionConfigRequest().withFunctionUrn(funcUrn));
  assertEqual(response.func_name, funcName, 'func_name');
  assertEqual(response.handler, 'bootstrap', 'handler');
  assertEqual(response.timeout, 30, 'timeout');
  assertEqual(response.memory_size, 128, 'memory_size');
});

await step('show function code', async () => {
  const response = await client.showFunctionCode(new fg.ShowFunctionCodeRequest().withFunctionUrn(funcUrn));
  assertEqual(response.func_name, funcName, 'func_name');
  assertEqual(response.code_type, 'zip', 'code_type');
});

await step('list functions includes it', async () => {
  let marker = '0';
  for (let page = 0; page < 50; page++) {
    const response = await client.listFunctions(new fg.ListFunctionsRequest().withMarker(marker).withMaxitems('100'));
    assert(Array.isArray(response.functions), 'functions is not an array');
    if (response.functions.some((f) => f.func_name === funcName)) return;
    if (response.next_marker === undefined || response.next_marker === null || String(response.next_marker) === marker
      || response.functions.length === 0) break;
    marker = String(response.next_marker);
  }
  throw new Error(`${funcName} not listed`);
});

// The configuration the e2e function runs with after its update (dynamic memory on or off).
const updatedConfig = (dynamicMemory = false) => new fg.UpdateFunctionConfigRequestBody()
  .withFuncName(funcName)
  .withRuntime(fg.UpdateFunctionConfigRequestBodyRuntimeEnum.CUSTOM)
  .withHandler('bootstrap')
  .withTimeout(60)
  .withMemorySize(256)
  .withUserData(JSON.stringify({ GREETING: 'hello-from-e2e' }))
  .withDescription('updated by e2e')
  .withEnableDynamicMemory(dynamicMemory);

await step('update function config (timeout, memory, user_data, description)', async () => {
  const body = updatedConfig();
  const response = await client.updateFunctionConfig(new fg.UpdateFunctionConfigRequest().withFunctionUrn(funcUrn).withBody(body));
  assertEqual(response.timeout, 60, 'timeout');
  assertEqual(response.memory_size, 256, 'memory_size');
  const shown = await client.showFunctionConfig(new fg.ShowFunctionConfigRequest().withFunctionUrn(funcUrn));
  assertEqual(shown.timeout, 60, 'shown timeout');
  assertEqual(shown.memory_size, 256, 'shown memory_size');
  assertEqual(shown.description, 'updated by e2e', 'shown description');
  assert(typeof shown.user_data === 'string' && shown.user_data.includes('GREETING'), `user_data: ${shown.user_data}`);
});

await step('publish version v1 (CreateFunctionVersion with version, description, digest)', async () => {
  const shown = await client.showFunctionConfig(new fg.ShowFunctionConfigRequest().withFunctionUrn(funcUrn));
  assert(typeof shown.digest === 'string' && shown.digest.length > 0, `latest digest: ${shown.digest}`);
  v1Digest = shown.digest;
  const body = new fg.CreateFunctionVersionRequestBody()
    .withVersion('v1')
    .withDescription('first version, published by e2e')
    .withDigest(shown.digest);
  const response = await client.createFunctionVersion(new fg.CreateFunctionVersionRequest().withFunctionUrn(funcUrn).withBody(body));
  assertEqual(response.httpStatusCode, 200, 'status');
  assertEqual(response.func_urn, v1Urn, 'func_urn');
  assertEqual(response.func_name, funcName, 'func_name');
  assertEqual(response.version, 'v1', 'version');
  assertEqual(response.version_description, 'first version, published by e2e', 'version_description');
  assertEqual(response.digest, shown.digest, 'digest');
  assertEqual(response.timeout, 60, 'timeout (frozen config)');
  assertEqual(response.memory_size, 256, 'memory_size (frozen config)');
});

await step('publish an existing version -> 409', async () => {
  const error = await expectError(409, () => client.createFunctionVersion(new fg.CreateFunctionVersionRequest()
    .withFunctionUrn(funcUrn).withBody(new fg.CreateFunctionVersionRequestBody().withVersion('v1'))));
  assertEqual(error.errorCode, 'FSS.1062', 'error_code');
});

await step('list versions (ListFunctionVersions): latest, v1', async () => {
  const versions = await listAllVersions(funcUrn);
  const names = versions.map((v) => v.version);
  assertEqual(names[0], 'latest', 'first version');
  assert(names.includes('v1'), `v1 not listed: ${JSON.stringify(names)}`);
  const v1 = versions.find((v) => v.version === 'v1');
  assertEqual(v1.func_urn, v1Urn, 'v1 func_urn');
  assertEqual(v1.digest, v1Digest, 'v1 digest');
});

await step('update function code', async () => {
  const body = new fg.UpdateFunctionCodeRequestBody()
    .withCodeType(fg.UpdateFunctionCodeRequestBodyCodeTypeEnum.ZIP)
    .withCodeFilename('e2e.zip')
    .withFuncCode(new fg.FuncCode().withFile(zipV2.toString('base64')));
  const response = await client.updateFunctionCode(new fg.UpdateFunctionCodeRequest().withFunctionUrn(funcUrn).withBody(body));
  assertEqual(response.httpStatusCode, 200, 'status');
  assertEqual(response.func_name, funcName, 'func_name');
});

await step('invoke synchronously with X-Cff-Log-Type: tail', async () => {
  const response = await client.invokeFunction(new fg.InvokeFunctionRequest()
    .withFunctionUrn(funcUrn)
    .withXCffLogType('tail')
    .withBody({ hello: 'world', n: 42 }));
  assertEqual(response.httpStatusCode, 200, 'status');
  assert(typeof response.result === 'string' && response.result.length > 0, `result: ${JSON.stringify(response.result)}`);
  if (ownZip) {
    const result = JSON.parse(response.result);
    assertEqual(result.marker, 'v2', 'result.marker (updated code)');
    assertEqual(result.greeting, 'hello-from-e2e', 'result.greeting (user_data)');
    assertEqual(result.event?.hello, 'world', 'result.event.hello');
  }
  const log = decodeLog(response.log);
  assert(log.includes('Start invoke request'), `log lacks 'Start invoke request': ${JSON.stringify(response.log)}`);
});

await step('invoke version URN :v1 runs the frozen v1 code after latest changed', async () => {
  const { result, log } = await invokeJson(v1Urn, { hello: 'version', n: 1 });
  if (ownZip) {
    assertEqual(result.marker, 'v1', 'result.marker (frozen code)');
    assertEqual(result.greeting, 'hello-from-e2e', 'result.greeting (frozen user_data)');
    assertEqual(result.event?.hello, 'version', 'result.event.hello');
  }
  assert(log.includes('version: v1'), `log does not name version v1: ${JSON.stringify(log)}`);
  const shown = await client.showFunctionConfig(new fg.ShowFunctionConfigRequest().withFunctionUrn(v1Urn));
  assertEqual(shown.version, 'v1', 'shown version');
  assertEqual(shown.digest, v1Digest, 'shown v1 digest');
});

await step('publish with a stale digest -> 400', async () => {
  const error = await expectError(400, () => client.createFunctionVersion(new fg.CreateFunctionVersionRequest().withFunctionUrn(funcUrn)
    .withBody(new fg.CreateFunctionVersionRequestBody().withVersion('v-stale').withDigest(v1Digest))));
  assertEqual(error.errorCode, 'FSS.0400', 'error_code');
});

await step('publish version v2 (the updated code)', async () => {
  const response = await client.createFunctionVersion(new fg.CreateFunctionVersionRequest().withFunctionUrn(funcUrn)
    .withBody(new fg.CreateFunctionVersionRequestBody().withVersion('v2').withDescription('second version')));
  assertEqual(response.func_urn, `${baseUrn}:v2`, 'func_urn');
  assertEqual(response.version, 'v2', 'version');
  assert(response.digest !== v1Digest, 'v2 has the same digest as v1');
  const names = (await listAllVersions(funcUrn)).map((v) => v.version);
  assertEqual(JSON.stringify(names), JSON.stringify(['latest', 'v1', 'v2']), 'listed versions');
});

let aliasUrn;
await step('create alias with a canary weight (CreateVersionAlias: v1 + 30 % on v2)', async () => {
  const body = new fg.CreateVersionAliasRequestBody()
    .withName('canary')
    .withVersion('v1')
    .withDescription('canary alias from e2e')
    .withAdditionalVersionWeights({ v2: 30 });
  const response = await client.createVersionAlias(new fg.CreateVersionAliasRequest().withFunctionUrn(funcUrn).withBody(body));
  assertEqual(response.httpStatusCode, 200, 'status');
  assertEqual(response.name, 'canary', 'name');
  assertEqual(response.version, 'v1', 'version');
  assertEqual(response.description, 'canary alias from e2e', 'description');
  assertEqual(response.alias_urn, `${baseUrn}:!canary`, 'alias_urn');
  assertEqual(response.additional_version_weights?.v2, 30, 'additional_version_weights.v2');
  assert(typeof response.last_modified === 'string' && !Number.isNaN(Date.parse(response.last_modified)), `last_modified: ${response.last_modified}`);
  aliasUrn = response.alias_urn;
});

await step('create a duplicate alias -> 409', async () => {
  const error = await expectError(409, () => client.createVersionAlias(new fg.CreateVersionAliasRequest().withFunctionUrn(funcUrn)
    .withBody(new fg.CreateVersionAliasRequestBody().withName('canary').withVersion('v2'))));
  assertEqual(error.errorCode, 'FSS.1063', 'error_code');
});

await step('show alias (ShowVersionAlias)', async () => {
  const response = await client.showVersionAlias(new fg.ShowVersionAliasRequest().withFunctionUrn(funcUrn).withAliasName('canary'));
  assertEqual(response.httpStatusCode, 200, 'status');
  assertEqual(response.name, 'canary', 'name');
  assertEqual(response.version, 'v1', 'version');
  assertEqual(response.alias_urn, `${baseUrn}:!canary`, 'alias_urn');
  assertEqual(response.additional_version_weights?.v2, 30, 'additional_version_weights.v2');
});

await step('list aliases (ListVersionAliases)', async () => {
  const response = await client.listVersionAliases(new fg.ListVersionAliasesRequest().withFunctionUrn(funcUrn));
  assertEqual(response.httpStatusCode, 200, 'status');
  const aliases = aliasList(response);
  assertEqual(aliases.length, 1, 'alias count');
  assertEqual(aliases[0].name, 'canary', 'name');
  assertEqual(aliases[0].version, 'v1', 'version');
  assertEqual(aliases[0].alias_urn, `${baseUrn}:!canary`, 'alias_urn');
  assertEqual(aliases[0].additional_version_weights?.v2, 30, 'additional_version_weights.v2');
});

await step('invoke through the alias URN :!canary (v1, or v2 for the canary share)', async () => {
  const seen = new Set();
  for (let i = 0; i < 6; i++) {
    const { result, log } = await invokeJson(aliasUrn ?? `${baseUrn}:!canary`, { hello: 'alias', i });
    const version = /version: (\S+)/.exec(log)?.[1];
    assert(version === 'v1' || version === 'v2', `alias ran version ${JSON.stringify(version)}: ${JSON.stringify(log)}`);
    if (ownZip) assertEqual(result.marker, version, 'result.marker matches the version in the log');
    seen.add(version);
  }
  console.log(`  versions run through :!canary: ${[...seen].sort().join(', ')}`);
});

await step('update alias (UpdateVersionAlias: weight 100 -> every request runs v2)', async () => {
  const body = new fg.UpdateVersionAliasRequestBody()
    .withVersion('v1')
    .withDescription('all traffic to the canary')
    .withAdditionalVersionWeights({ v2: 100 });
  const response = await client.updateVersionAlias(new fg.UpdateVersionAliasRequest()
    .withFunctionUrn(funcUrn).withAliasName('canary').withBody(body));
  assertEqual(response.httpStatusCode, 200, 'status');
  assertEqual(response.name, 'canary', 'name');
  assertEqual(response.version, 'v1', 'version');
  assertEqual(response.description, 'all traffic to the canary', 'description');
  assertEqual(response.additional_version_weights?.v2, 100, 'additional_version_weights.v2');
  for (let i = 0; i < 3; i++) {
    const { result, log } = await invokeJson(`${baseUrn}:!canary`, { hello: 'canary', i });
    if (ownZip) assertEqual(result.marker, 'v2', 'result.marker');
    assert(log.includes('version: v2'), `log does not name version v2: ${JSON.stringify(log)}`);
  }
});

await step('update alias back to v1 only ({} removes the canary)', async () => {
  const response = await client.updateVersionAlias(new fg.UpdateVersionAliasRequest()
    .withFunctionUrn(funcUrn).withAliasName('canary')
    .withBody(new fg.UpdateVersionAliasRequestBody().withVersion('v1').withAdditionalVersionWeights({})));
  assertEqual(response.version, 'v1', 'version');
  assert(response.additional_version_weights === undefined || Object.keys(response.additional_version_weights).length === 0,
    `additional_version_weights: ${JSON.stringify(response.additional_version_weights)}`);
  const { result, log } = await invokeJson(`${baseUrn}:!canary`, { hello: 'stable' });
  if (ownZip) assertEqual(result.marker, 'v1', 'result.marker');
  assert(log.includes('version: v1'), `log does not name version v1: ${JSON.stringify(log)}`);
});

await step('delete alias (DeleteVersionAlias), then show -> 404 FSS.1053', async () => {
  const response = await client.deleteVersionAlias(new fg.DeleteVersionAliasRequest().withFunctionUrn(funcUrn).withAliasName('canary'));
  assert(response.httpStatusCode >= 200 && response.httpStatusCode < 300, `status ${response.httpStatusCode}`);
  const error = await expectError(404, () => client.showVersionAlias(new fg.ShowVersionAliasRequest()
    .withFunctionUrn(funcUrn).withAliasName('canary')));
  assertEqual(error.errorCode, 'FSS.1053', 'error_code');
  const listed = aliasList(await client.listVersionAliases(new fg.ListVersionAliasesRequest().withFunctionUrn(funcUrn)));
  assertEqual(listed.length, 0, 'aliases left');
});

await step('delete version v1 (DeleteFunction with the version URN) removes v1 and its alias', async () => {
  await client.createVersionAlias(new fg.CreateVersionAliasRequest().withFunctionUrn(funcUrn)
    .withBody(new fg.CreateVersionAliasRequestBody().withName('stable').withVersion('v1')));
  const response = await client.deleteFunction(new fg.DeleteFunctionRequest().withFunctionUrn(v1Urn));
  assert(response.httpStatusCode >= 200 && response.httpStatusCode < 300, `status ${response.httpStatusCode}`);
  const names = (await listAllVersions(funcUrn)).map((v) => v.version);
  assertEqual(JSON.stringify(names), JSON.stringify(['latest', 'v2']), 'listed versions');
  const invokeError = await expectError(404, () => client.invokeFunction(new fg.InvokeFunctionRequest().withFunctionUrn(v1Urn).withBody({})));
  assertEqual(invokeError.errorCode, 'FSS.1052', 'invoke :v1 error_code');
  const aliasError = await expectError(404, () => client.showVersionAlias(new fg.ShowVersionAliasRequest()
    .withFunctionUrn(funcUrn).withAliasName('stable')));
  assertEqual(aliasError.errorCode, 'FSS.1053', 'alias on v1 error_code');
  const shown = await client.showFunctionConfig(new fg.ShowFunctionConfigRequest().withFunctionUrn(funcUrn));
  assertEqual(shown.func_name, funcName, 'latest still there');
});

await step('set max instances (UpdateFunctionMaxInstanceConfig, max_instance_num 5)', async () => {
  const response = await client.updateFunctionMaxInstanceConfig(new fg.UpdateFunctionMaxInstanceConfigRequest()
    .withFunctionUrn(funcUrn).withBody(new fg.UpdateFunctionMaxInstanceConfigRequestBody().withMaxInstanceNum(5)));
  assertEqual(response.httpStatusCode, 200, 'status');
  assertEqual(response.func_name, funcName, 'func_name');
  assertEqual(response.strategy_config?.concurrency, 5, 'strategy_config.concurrency');
  const shown = await client.showFunctionConfig(new fg.ShowFunctionConfigRequest().withFunctionUrn(funcUrn));
  assertEqual(shown.strategy_config?.concurrency, 5, 'shown strategy_config.concurrency');
});

await step('max_instance_num 0 -> invoke 429 FSS.0429; -1 -> invokes again', async () => {
  await client.updateFunctionMaxInstanceConfig(new fg.UpdateFunctionMaxInstanceConfigRequest()
    .withFunctionUrn(funcUrn).withBody(new fg.UpdateFunctionMaxInstanceConfigRequestBody().withMaxInstanceNum(0)));
  try {
    const error = await expectError(429, () => client.invokeFunction(new fg.InvokeFunctionRequest().withFunctionUrn(funcUrn).withBody({})));
    assertEqual(error.errorCode, 'FSS.0429', 'error_code');
  } finally {
    const response = await client.updateFunctionMaxInstanceConfig(new fg.UpdateFunctionMaxInstanceConfigRequest()
      .withFunctionUrn(funcUrn).withBody(new fg.UpdateFunctionMaxInstanceConfigRequestBody().withMaxInstanceNum(-1)));
    assertEqual(response.strategy_config?.concurrency, -1, 'strategy_config.concurrency after reset');
  }
  const { result } = await invokeJson(funcUrn, { hello: 'again' });
  if (ownZip) assertEqual(result.marker, 'v2', 'result.marker');
});

await step('max instances out of range -> 400', () => expectError(400, () => client.updateFunctionMaxInstanceConfig(
  new fg.UpdateFunctionMaxInstanceConfigRequest().withFunctionUrn(funcUrn)
    .withBody(new fg.UpdateFunctionMaxInstanceConfigRequestBody().withMaxInstanceNum(1001)))));

await step('list quotas (ListQuotas)', async () => {
  const response = await client.listQuotas(new fg.ListQuotasRequest());
  assertEqual(response.httpStatusCode, 200, 'status');
  const resources = response.quotas?.resources;
  assert(Array.isArray(resources) && resources.length > 0, `quotas.resources: ${JSON.stringify(response.quotas)}`);
  for (const r of resources) {
    assert(typeof r.type === 'string' && Number.isInteger(r.quota) && Number.isInteger(r.used), `resource: ${JSON.stringify(r)}`);
  }
  const funcs = resources.find((r) => r.type === 'fgs_func_num');
  assert(funcs, `no fgs_func_num in ${JSON.stringify(resources)}`);
  assert(funcs.used >= 1 && funcs.used <= funcs.quota, `fgs_func_num: ${JSON.stringify(funcs)}`);
});

await step('reserved instances with idle mode and a scheduled policy (UpdateFunctionReservedInstancesCount)', async () => {
  const now = Math.floor(Date.now() / 1000);
  const cron = new fg.CronConfig().withName('business-hours').withCron('0 0 8 * * *').withCount(2)
    .withStartTime(now).withExpiredTime(now + 86400);
  const body = new fg.UpdateFunctionReservedInstancesCountRequestBody().withCount(1).withIdleMode(true)
    .withTacticsConfig(new fg.TacticsConfig().withCronConfigs([cron]));
  const response = await client.updateFunctionReservedInstancesCount(new fg.UpdateFunctionReservedInstancesCountRequest()
    .withFunctionUrn(funcUrn).withBody(body));
  assertEqual(response.httpStatusCode, 200, 'status');
  assertEqual(response.count, 1, 'count');
  assertEqual(response.idle_mode ?? response.idleMode, true, 'idle_mode');
  const listed = await client.listReservedInstanceConfigs(new fg.ListReservedInstanceConfigsRequest().withFunctionUrn(funcUrn.replace(/:latest$/, '')));
  const configs = listed.reserved_instances ?? listed.reservedInstances;
  assert(Array.isArray(configs) && configs.length === 1, `reserved configs: ${JSON.stringify(listed)}`);
  assertEqual(configs[0].min_count ?? configs[0].minCount, 1, 'min_count');
  const tactics = configs[0].tactics_config ?? configs[0].tacticsConfig;
  assertEqual((tactics.cron_configs ?? tactics.cronConfigs)[0].cron, '0 0 8 * * *', 'cron');
  const served = await client.invokeFunction(new fg.InvokeFunctionRequest().withFunctionUrn(funcUrn).withBody({ hello: 'reserved' }));
  assertEqual(served.status, 200, 'envelope status');
  const off = await client.updateFunctionReservedInstancesCount(new fg.UpdateFunctionReservedInstancesCountRequest()
    .withFunctionUrn(funcUrn).withBody(new fg.UpdateFunctionReservedInstancesCountRequestBody().withCount(0)));
  assertEqual(off.count, 0, 'count after release');
});

await step('dynamic memory: X-Cff-Instance-Memory picks the instance size; a size outside the list -> FSS.0406', async () => {
  const config = updatedConfig;
  const updated = await client.updateFunctionConfig(new fg.UpdateFunctionConfigRequest().withFunctionUrn(funcUrn).withBody(config(true)));
  assertEqual(updated.enable_dynamic_memory ?? updated.enableDynamicMemory, true, 'enable_dynamic_memory');
  const big = await client.invokeFunction(new fg.InvokeFunctionRequest().withFunctionUrn(funcUrn)
    .withXCffInstanceMemory('512').withXCffLogType('tail').withBody({ hello: 'dynamic' }));
  assertEqual(big.status, 200, 'envelope status');
  assert((big.log ?? '').includes('billing memory: 512MB'), `log: ${big.log}`);
  const error = await expectError(400, () => client.invokeFunction(new fg.InvokeFunctionRequest().withFunctionUrn(funcUrn)
    .withXCffInstanceMemory('300').withBody({ hello: 'odd size' })));
  assertEqual(error.errorCode, 'FSS.0406', 'error_code');
  await client.updateFunctionConfig(new fg.UpdateFunctionConfigRequest().withFunctionUrn(funcUrn).withBody(config(false)));
});

await step('function statistics of the last 5 minutes (ListFunctionStatistics)', async () => {
  const response = await client.listFunctionStatistics(new fg.ListFunctionStatisticsRequest()
    .withFuncUrn(funcUrn.replace(/:latest$/, '')).withPeriod('5'));
  assertEqual(response.httpStatusCode, 200, 'status');
  assert(Array.isArray(response.count) && response.count.length === 5, `count: ${JSON.stringify(response.count)}`);
  const total = response.count.reduce((sum, p) => sum + p.value, 0);
  assert(total >= 3, `invocations counted: ${total}`);
  const rejected = (response.reject_count ?? response.rejectCount).reduce((sum, p) => sum + p.value, 0);
  assert(rejected >= 1, `rejections counted: ${rejected}`);
  assert(response.count.every((p) => Number.isInteger(p.timestamp) && p.timestamp % 60000 === 0), 'minute timestamps');
});

await step('invoke with X-CFF-Request-Version: v1 -> result is the parsed JSON', async () => {
  const response = await client.invokeFunction(new fg.InvokeFunctionRequest()
    .withFunctionUrn(funcUrn)
    .withXCFFRequestVersion('v1')
    .withBody({ hello: 'v1-envelope', list: [1, 2, 3] }));
  assertEqual(response.httpStatusCode, 200, 'status');
  assertEqual(response.status, 200, 'envelope status');
  assert(response.result !== null && typeof response.result === 'object' && !Array.isArray(response.result),
    `result is not a JSON object: ${JSON.stringify(response.result)}`);
  if (ownZip) {
    assertEqual(response.result.marker, 'v2', 'result.marker');
    assertEqual(response.result.event?.hello, 'v1-envelope', 'result.event.hello');
    assertEqual(JSON.stringify(response.result.event?.list), '[1,2,3]', 'result.event.list');
  }
  const v0 = await client.invokeFunction(new fg.InvokeFunctionRequest().withFunctionUrn(funcUrn)
    .withXCFFRequestVersion('v0').withBody({ hello: 'v0-envelope' }));
  assert(typeof v0.result === 'string', `v0 result is not a string: ${JSON.stringify(v0.result)}`);
});

await step('invoke with a body over 6 MB -> 413 FSS.0413', async () => {
  const big = { pad: 'x'.repeat(6 * 1024 * 1024 + 1024) };
  const error = await expectError(413, () => client.invokeFunction(new fg.InvokeFunctionRequest().withFunctionUrn(funcUrn).withBody(big)));
  assertEqual(error.errorCode, 'FSS.0413', 'error_code');
});

await step('invoke still works after the 413', async () => {
  const { result } = await invokeJson(funcUrn, { hello: 'after-413' });
  if (ownZip) assertEqual(result.event?.hello, 'after-413', 'result.event.hello');
});

await step('create with an invalid name -> 400', () => expectError(400, () => client.createFunction(new fg.CreateFunctionRequest().withBody(
  new fg.CreateFunctionRequestBody()
    .withFuncName('1 not a valid name!')
    .withPackage('default')
    .withRuntime(fg.CreateFunctionRequestBodyRuntimeEnum.CUSTOM)
    .withHandler('bootstrap')
    .withTimeout(30)
    .withMemorySize(128)
    .withCodeType(fg.CreateFunctionRequestBodyCodeTypeEnum.ZIP)
    .withFuncCode(new fg.FuncCode().withFile(zipV1.toString('base64')))))));

await step('create with an invalid memory size -> 400', () => expectError(400, () => client.createFunction(new fg.CreateFunctionRequest().withBody(
  new fg.CreateFunctionRequestBody()
    .withFuncName(`${funcName}-mem`)
    .withPackage('default')
    .withRuntime(fg.CreateFunctionRequestBodyRuntimeEnum.CUSTOM)
    .withHandler('bootstrap')
    .withTimeout(30)
    .withMemorySize(100)
    .withCodeType(fg.CreateFunctionRequestBodyCodeTypeEnum.ZIP)
    .withFuncCode(new fg.FuncCode().withFile(zipV1.toString('base64')))))));

await step('update config with an invalid memory size -> 400', () => expectError(400, () => client.updateFunctionConfig(
  new fg.UpdateFunctionConfigRequest().withFunctionUrn(funcUrn).withBody(new fg.UpdateFunctionConfigRequestBody()
    .withFuncName(funcName)
    .withRuntime(fg.UpdateFunctionConfigRequestBodyRuntimeEnum.CUSTOM)
    .withHandler('bootstrap')
    .withTimeout(60)
    .withMemorySize(12345)))));

const unknownUrn = funcUrn.replace(funcName, `${funcName}-missing`);
await step('invoke an unknown function -> 404', () => expectError(404, () => client.invokeFunction(
  new fg.InvokeFunctionRequest().withFunctionUrn(unknownUrn).withBody({}))));

await step('delete function', async () => {
  const response = await client.deleteFunction(new fg.DeleteFunctionRequest().withFunctionUrn(funcUrn));
  assert(response.httpStatusCode >= 200 && response.httpStatusCode < 300, `status ${response.httpStatusCode}`);
});

await step('show config after delete -> 404', () => expectError(404, () => client.showFunctionConfig(
  new fg.ShowFunctionConfigRequest().withFunctionUrn(funcUrn))));

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
