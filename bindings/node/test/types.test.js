'use strict';
// index.d.ts declares exactly what index.js exports: module exports, Client methods and
// getters, ErrorCode entries, and the event names the core can emit.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const wazap = require('wazap');

const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');

function block(header) {
  const start = dts.indexOf(header);
  assert.notEqual(start, -1, `index.d.ts has ${header}`);
  const open = dts.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < dts.length; i += 1) {
    if (dts[i] === '{') depth += 1;
    if (dts[i] === '}') depth -= 1;
    if (depth === 0) return dts.slice(open + 1, i);
  }
  throw new Error(`unbalanced ${header}`);
}

const sorted = (values) => [...new Set(values)].sort();

test('module exports match the declarations', () => {
  const declared = [...dts.matchAll(/^export declare (?:const|class|function) (\w+)/gm)].map(
    (m) => m[1],
  );
  assert.deepEqual(sorted(declared), sorted(Object.keys(wazap)));
});

test('Client methods and getters match the declarations', () => {
  const body = block('export declare class Client');
  const methods = [...body.matchAll(/^\s{2}(\w+)(?:<[^>]*>)?\(/gm)].map((m) => m[1]).filter((m) => m !== 'constructor');
  const getters = [...body.matchAll(/^\s{2}readonly (\w+):/gm)].map((m) => m[1]);
  const emitterOverloads = ['on', 'once', 'off'];
  const proto = wazap.Client.prototype;
  const runtimeMethods = [];
  const runtimeGetters = [];
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === 'constructor') continue;
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    (descriptor.get ? runtimeGetters : runtimeMethods).push(name);
  }
  assert.deepEqual(
    sorted(methods.filter((m) => !emitterOverloads.includes(m))),
    sorted(runtimeMethods),
  );
  assert.deepEqual(sorted(getters), sorted(runtimeGetters));
});

test('ErrorCode entries match the declarations', () => {
  const body = block('export declare const ErrorCode');
  const declared = Object.fromEntries(
    [...body.matchAll(/readonly (\w+): '([A-Z_]+)'/g)].map((m) => [m[1], m[2]]),
  );
  assert.deepEqual(declared, { ...wazap.ErrorCode });
});

/** The snake_case names of the core's `enum Event` variants (its JSON `type`). */
function coreEventTypes() {
  const source = fs.readFileSync(
    path.join(__dirname, '..', '..', '..', 'core', 'src', 'types', 'events.rs'),
    'utf8',
  );
  const start = source.indexOf('pub enum Event {');
  assert.notEqual(start, -1, 'core/src/types/events.rs declares enum Event');
  const body = source.slice(start, source.indexOf('\n}', start));
  return [...body.matchAll(/^ {4}([A-Z]\w*)\b/gm)].map((m) =>
    m[1].replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase(),
  );
}

test('the declared events are the core event types', () => {
  const body = block('export interface ClientEvents');
  const names = [...body.matchAll(/^\s{2}(\w+): (\w+);/gm)];
  assert.deepEqual(sorted(names.map((m) => m[1])), sorted(coreEventTypes()));
  for (const [, name, type] of names) {
    // Each event interface's `type` literal equals its key in ClientEvents.
    const iface = new RegExp(`interface ${type} \\{ type: '${name}'|interface ${type} \\{\\s*type: '${name}'`);
    assert.match(dts, iface, `${type} has type '${name}'`);
  }
});

test('the Client offers every method and property of the Python binding', () => {
  const pyi = fs.readFileSync(
    path.join(__dirname, '..', '..', 'python', 'python', 'wazap', '__init__.pyi'),
    'utf8',
  );
  const client = pyi.slice(pyi.indexOf('\nclass Client:'));
  // Blocking methods and properties (each `*_async` twin maps to the same Promise method).
  const names = [...client.matchAll(/^ {4}def (\w+)\(/gm)].map((m) => m[1]);
  assert.ok(names.includes('send_text') && names.includes('subscribe_presence'), 'stubs parsed');
  // Python idioms with a Node counterpart of another shape: handlers are EventEmitter
  // listeners, and the event iterator is `on('event')`.
  const pythonIdioms = new Set(['on', 'add_handler', 'remove_handler', 'events']);
  const camel = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  const missing = names
    .filter((name) => !name.startsWith('_') && !pythonIdioms.has(name))
    .map(camel)
    .filter((name) => !(name in wazap.Client.prototype));
  assert.deepEqual(missing, []);
});
