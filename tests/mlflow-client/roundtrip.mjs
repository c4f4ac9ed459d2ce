// A training script's view of a CaptionBoundaries server through MLflow's REST API.
// The npm `mlflow` client (an MLflow 1.x/2.0 API client for Node) does experiments, runs, logging, metric history and
// artifact listing. For what it lacks (get-by-name, the artifacts proxy, the model registry, error shapes) the calls
// below are written from the MLflow REST API reference only, with plain fetch.
//
// Env: MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN (researcher), CB_VIEWER_TOKEN, CB_CHECKPOINT (a checkpoint file).
// Prints one JSON line with what was read back; exits non-zero on the first failed check.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const MLflow = require('mlflow');

const endpoint = process.env.MLFLOW_TRACKING_URI;
const token = process.env.MLFLOW_TRACKING_TOKEN;
const viewerToken = process.env.CB_VIEWER_TOKEN;
const checkpointPath = process.env.CB_CHECKPOINT;
assert.ok(endpoint && token && viewerToken && checkpointPath, 'MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, CB_VIEWER_TOKEN and CB_CHECKPOINT must be set');

// The client logs every POST body to stdout; keep stdout for the result line.
const print = (line) => process.stdout.write(line + '\n');
console.log = () => {};

const auth = { Authorization: `Bearer ${token}` };
const client = new MLflow({ endpoint, headers: auth });
const { Experiments, Runs, Metrics, Artifacts } = client;

/** A REST call as the reference describes it: JSON in and out, errors as {error_code, message}. */
async function rest(method, path, body, headers = auth) {
  const url = `${endpoint}/api/2.0/mlflow${path}`;
  const init = { method, headers: { ...headers, Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}

/** The client throws Error(JSON.stringify({status, statusText, data})) wrapped once more; dig the status out. */
async function clientError(promise) {
  try {
    await promise;
  } catch (e) {
    const inner = JSON.parse(String(e.message).replace(/^Error: /, ''));
    return inner;
  }
  assert.fail('the call should have failed');
}

const stamp = Date.now();
const experimentName = `node-client-${stamp}`;

// Experiments: create, get, get-by-name, list (1.x) and search (2.0).
const { experiment_id } = await Experiments.create({ name: experimentName });
assert.match(experiment_id, /^\d+$/);
const { experiment } = await Experiments.get({ experiment_id });
assert.equal(experiment.name, experimentName);
assert.equal(experiment.lifecycle_stage, 'active');
const byName = await rest('GET', `/experiments/get-by-name?experiment_name=${encodeURIComponent(experimentName)}`);
assert.equal(byName.status, 200);
assert.equal(byName.json.experiment.experiment_id, experiment_id);
const listed = await Experiments.list();
assert.ok(listed.experiments.some((e) => e.experiment_id === experiment_id));
assert.ok(listed.experiments.some((e) => e.experiment_id === '0' && e.name === 'Default'));
const searchedExperiments = await rest('POST', '/experiments/search', { filter: `name LIKE 'node-client-%'`, max_results: 10 });
assert.equal(searchedExperiments.status, 200);
assert.ok(searchedExperiments.json.experiments.some((e) => e.experiment_id === experiment_id));

// Runs: create with tags, log params, a batch of metrics and tags, single metric, set-tag.
const created = await Runs.create({ experiment_id, start_time: stamp, tags: [{ key: 'mlflow.runName', value: 'node-run' }, { key: 'team', value: 'captions' }] });
const runId = created.run.info.run_id;
assert.match(runId, /^[0-9a-f]{32}$/);
assert.equal(created.run.info.status, 'RUNNING');
assert.equal(created.run.info.run_name, 'node-run');
assert.equal(created.run.info.experiment_id, experiment_id);

await Runs.logParameter({ run_id: runId, key: 'lr', value: '0.001' });
await Runs.logParameter({ run_id: runId, key: 'optimizer', value: 'adamw' });
const metrics = [];
for (let step = 0; step < 50; step++) {
  metrics.push({ key: 'train_loss', value: 2 / (step + 1), timestamp: stamp + step, step });
  if (step % 10 === 9) metrics.push({ key: 'val_macro_f1', value: 0.5 + step / 100, timestamp: stamp + step, step });
}
await Runs.logBatch({ run_id: runId, metrics, params: [{ key: 'batch_size', value: '16' }], tags: [{ key: 'stage', value: 'baseline' }] });
await Runs.logMetric({ run_id: runId, key: 'throughput', value: 123.5, timestamp: stamp, step: 0 });
await Runs.setTag({ run_id: runId, key: 'mlflow.note.content', value: 'Logged by the npm client.' });

// Read everything back.
const { run } = await Runs.get({ run_id: runId });
const params = Object.fromEntries(run.data.params.map((p) => [p.key, p.value]));
const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
const latest = Object.fromEntries(run.data.metrics.map((m) => [m.key, m]));
assert.deepEqual({ lr: params.lr, optimizer: params.optimizer, batch_size: params.batch_size }, { lr: '0.001', optimizer: 'adamw', batch_size: '16' });
assert.equal(tags.team, 'captions');
assert.equal(tags.stage, 'baseline');
assert.equal(tags['mlflow.note.content'], 'Logged by the npm client.');
assert.equal(latest.train_loss.step, 49);
assert.equal(latest.train_loss.value, 2 / 50);
assert.equal(latest.val_macro_f1.value, 0.5 + 49 / 100);
assert.equal(latest.throughput.value, 123.5);

const history = await Metrics.getHistory({ run_id: runId, metric_key: 'train_loss' });
assert.equal(history.metrics.length, 50);
assert.deepEqual(history.metrics.map((m) => m.step), [...Array(50).keys()]);
assert.deepEqual(history.metrics.map((m) => m.value), [...Array(50).keys()].map((s) => 2 / (s + 1)));

// Search with filter strings on metrics, params and tags.
const found = await Runs.search({ experiment_ids: [experiment_id], filter: `metrics.val_macro_f1 > 0.9 and params.lr = '0.001' and tags.team = 'captions'` });
assert.deepEqual(found.runs.map((r) => r.info.run_id), [runId]);
const none = await Runs.search({ experiment_ids: [experiment_id], filter: `metrics.val_macro_f1 > 0.99` });
assert.equal((none.runs ?? []).length, 0);

// Artifacts through the proxy: upload, list (client), download and compare.
const artifactBase = `${endpoint}/api/2.0/mlflow-artifacts/artifacts/${experiment_id}/${runId}/artifacts`;
const notes = Buffer.from(`confusion notes ${stamp}\n`);
let response = await fetch(`${artifactBase}/reports/notes.txt`, { method: 'PUT', headers: auth, body: notes });
assert.equal(response.status, 200, await response.clone().text());
const checkpoint = await readFile(checkpointPath);
response = await fetch(`${artifactBase}/model/best.pt`, { method: 'PUT', headers: auth, body: checkpoint });
assert.equal(response.status, 200, await response.clone().text());
const rootListing = await Artifacts.list({ run_id: runId });
assert.deepEqual(rootListing.files.map((f) => [f.path, f.is_dir]).sort(), [['model', true], ['reports', true]]);
const reportListing = await Artifacts.list({ run_id: runId, path: 'reports' });
assert.deepEqual(reportListing.files, [{ path: 'reports/notes.txt', is_dir: false, file_size: notes.length }]);
response = await fetch(`${artifactBase}/reports/notes.txt`, { headers: auth });
assert.equal(response.status, 200);
assert.deepEqual(Buffer.from(await response.arrayBuffer()), notes);

// Finish the run.
const updated = await Runs.update({ run_id: runId, status: 'FINISHED', end_time: stamp + 1000 });
assert.equal(updated.run_info.status, 'FINISHED');
assert.equal(Number(updated.run_info.end_time), stamp + 1000);

// Registry: a model, a version from the uploaded checkpoint artifact, an alias, read back by alias.
const modelName = `node-model-${stamp}`;
let r = await rest('POST', '/registered-models/create', { name: modelName });
assert.equal(r.status, 200, JSON.stringify(r.json));
assert.equal(r.json.registered_model.name, modelName);
r = await rest('POST', '/model-versions/create', { name: modelName, source: `runs:/${runId}/model/best.pt`, run_id: runId });
assert.equal(r.status, 200, JSON.stringify(r.json));
assert.equal(r.json.model_version.version, '1');
assert.equal(r.json.model_version.status, 'READY');
r = await rest('POST', '/registered-models/alias', { name: modelName, alias: 'champion', version: '1' });
assert.equal(r.status, 200, JSON.stringify(r.json));
r = await rest('GET', `/registered-models/alias?name=${modelName}&alias=champion`);
assert.equal(r.status, 200, JSON.stringify(r.json));
assert.equal(r.json.model_version.version, '1');
assert.deepEqual(r.json.model_version.aliases, ['champion']);
r = await rest('GET', `/model-versions/get?name=${modelName}&version=1`);
assert.equal(r.json.model_version.name, modelName);
r = await rest('GET', `/registered-models/get?name=${modelName}`);
assert.deepEqual(r.json.registered_model.aliases, [{ alias: 'champion', version: '1' }]);
r = await rest('GET', `/registered-models/search?filter=${encodeURIComponent(`name = '${modelName}'`)}`);
assert.deepEqual(r.json.registered_models.map((m) => m.name), [modelName]);

// Error shapes and codes of the reference.
const errors = {};
let e = await clientError(Runs.get({ run_id: '0123456789abcdef0123456789abcdef' }));
assert.equal(e.status, 404);
assert.equal(e.data.error_code, 'RESOURCE_DOES_NOT_EXIST');
errors.unknownRun = e.data.error_code;
e = await clientError(Experiments.create({ name: experimentName }));
assert.equal(e.status, 400);
assert.equal(e.data.error_code, 'RESOURCE_ALREADY_EXISTS');
errors.duplicateExperiment = e.data.error_code;
e = await clientError(Runs.logParameter({ run_id: runId, key: 'lr', value: '0.1' }));
assert.equal(e.status, 400);
assert.equal(e.data.error_code, 'INVALID_PARAMETER_VALUE');
errors.changedParam = e.data.error_code;
r = await rest('POST', '/runs/log-metric', { run_id: runId, key: 'loss', value: 1 });
assert.equal(r.status, 400);
assert.equal(r.json.error_code, 'INVALID_PARAMETER_VALUE');
assert.match(r.json.message, /timestamp/);
r = await rest('POST', '/runs/search', { experiment_ids: [experiment_id], filter: 'metrics.loss > 1 OR params.x = "y"' });
assert.equal(r.status, 400);
assert.equal(r.json.error_code, 'INVALID_PARAMETER_VALUE');
r = await rest('GET', `/runs/get?run_id=${runId}`, undefined, {});
assert.equal(r.status, 401);
assert.equal(r.json.error_code, 'UNAUTHENTICATED');
errors.noToken = r.json.error_code;
r = await rest('POST', '/runs/log-metric', { run_id: runId, key: 'loss', value: 1, timestamp: stamp }, { Authorization: `Bearer ${viewerToken}` });
assert.equal(r.status, 403);
assert.equal(r.json.error_code, 'PERMISSION_DENIED');
errors.viewerWrites = r.json.error_code;

print(JSON.stringify({ experimentId: experiment_id, runId, params, tags, latest: Object.fromEntries(Object.entries(latest).map(([k, m]) => [k, m.value])), historyPoints: history.metrics.length, artifacts: reportListing.files, model: modelName, errors }));
