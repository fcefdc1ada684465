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

await step('update function config (timeout, memory, user_data, description)', async () => {
  const body = new fg.UpdateFunctionConfigRequestBody()
    .withFuncName(funcName)
    .withRuntime(fg.UpdateFunctionConfigRequestBodyRuntimeEnum.CUSTOM)
    .withHandler('bootstrap')
    .withTimeout(60)
    .withMemorySize(256)
    .withUserData(JSON.stringify({ GREETING: 'hello-from-e2e' }))
    .withDescription('updated by e2e');
  const response = await client.updateFunctionConfig(new fg.UpdateFunctionConfigRequest().withFunctionUrn(funcUrn).withBody(body));
  assertEqual(response.timeout, 60, 'timeout');
  assertEqual(response.memory_size, 256, 'memory_size');
  const shown = await client.showFunctionConfig(new fg.ShowFunctionConfigRequest().withFunctionUrn(funcUrn));
  assertEqual(shown.timeout, 60, 'shown timeout');
  assertEqual(shown.memory_size, 256, 'shown memory_size');
  assertEqual(shown.description, 'updated by e2e', 'shown description');
  assert(typeof shown.user_data === 'string' && shown.user_data.includes('GREETING'), `user_data: ${shown.user_data}`);
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
