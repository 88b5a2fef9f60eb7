/**
 * The layers of the source, checked on every import (static, dynamic and re-exports):
 * base (terminal, fs, errors, paths) ← schema (and expressions) ← edit ← (graph, auth) ← core services
 * (explorer, loop, history) ← ui / commands; the simulator is loaded only by the demo entry points. An import that crosses a
 * layer the wrong way fails this test, naming the file and the import.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../source');

type Layer = 'base' | 'schema' | 'edit' | 'graph' | 'auth' | 'explorer' | 'ui' | 'commands' | 'simulator' | 'entry';

function layerOf(file: string): Layer {
	const path = relative(root, file).replace(/\\/g, '/');
	if (path === 'cli.tsx') return 'entry';
	if (path === 'errors.ts' || path === 'paths.ts' || path.startsWith('terminal/') || path.startsWith('fs/')) return 'base';
	const top = path.split('/')[0]!;
	if (top === 'schema' || top === 'expressions') return 'schema';
	// The provisioning loop's decoding (job status, actions, logs) is a core service like explorer.
	if (top === 'loop' || top === 'history') return 'explorer';
	if (['edit', 'graph', 'auth', 'explorer', 'ui', 'commands', 'simulator'].includes(top)) return top as Layer;
	throw new Error(`${path}: no layer; add it to test/architecture/layers.test.ts`);
}

/** What each layer may import (besides itself). */
const allowed: Record<Layer, readonly Layer[]> = {
	base: [],
	schema: ['base'],
	edit: ['schema', 'base'],
	// Sign-in shares the HTTP transport (timeouts, proxy, request log) with the Graph client.
	auth: ['graph', 'schema', 'base'],
	graph: ['edit', 'schema', 'base'],
	explorer: ['auth', 'graph', 'edit', 'schema', 'base'],
	ui: ['explorer', 'auth', 'graph', 'edit', 'schema', 'base'],
	commands: ['explorer', 'auth', 'graph', 'edit', 'schema', 'base'],
	// The simulator is Graph's other side: it may use the schema model and the core's shapes, never the UI.
	simulator: ['explorer', 'edit', 'schema', 'base'],
	entry: ['explorer', 'ui', 'commands', 'simulator', 'auth', 'graph', 'edit', 'schema', 'base'],
};

/** Files that may load the simulator: the demo entry points. */
const demoEntryPoints = new Set(['cli.tsx', 'commands/demo-server.ts']);

function sourceFiles(directory: string): string[] {
	return readdirSync(directory).flatMap((name) => {
		const path = join(directory, name);
		if (statSync(path).isDirectory()) return name === 'data' ? [] : sourceFiles(path);
		return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
	});
}

function importsOf(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	const found: string[] = [];
	for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)) {
		const specifier = match[1] ?? match[2]!;
		if (specifier.startsWith('.')) found.push(specifier);
	}
	return found;
}

function target(file: string, specifier: string): string {
	const resolved = resolve(dirname(file), specifier);
	for (const candidate of [resolved, resolved.replace(/\.js$/, '.ts'), resolved.replace(/\.js$/, '.tsx')]) {
		try {
			if (statSync(candidate).isFile()) return candidate;
		} catch {}
	}
	return resolved;
}

describe('layers', () => {
	const files = sourceFiles(root);

	it('finds the source', () => {
		expect(files.length).toBeGreaterThan(100);
	});

	it('no import crosses a layer the wrong way', () => {
		const violations: string[] = [];
		for (const file of files) {
			const from = layerOf(file);
			for (const specifier of importsOf(file)) {
				const to = target(file, specifier);
				if (!to.startsWith(root)) continue; // package.json and the like
				const toLayer = layerOf(to);
				if (toLayer === from) continue;
				if (toLayer === 'simulator' && demoEntryPoints.has(relative(root, file).replace(/\\/g, '/'))) continue;
				if (!allowed[from].includes(toLayer)) violations.push(`${relative(root, file)} (${from}) imports ${specifier} (${toLayer})`);
			}
		}
		expect(violations).toEqual([]);
	});

	it('only the demo entry points load the simulator', () => {
		const violations: string[] = [];
		for (const file of files) {
			const path = relative(root, file).replace(/\\/g, '/');
			if (path.startsWith('simulator/') || demoEntryPoints.has(path)) continue;
			for (const specifier of importsOf(file)) {
				if (target(file, specifier).startsWith(join(root, 'simulator'))) violations.push(`${path} imports ${specifier}`);
			}
		}
		expect(violations).toEqual([]);
	});

	it('the check itself catches a wrong-way import', () => {
		// The rule table read backwards must fail: schema importing the UI is not allowed.
		expect(allowed.schema.includes('ui')).toBe(false);
		expect(allowed.edit.includes('graph')).toBe(false);
		expect(allowed.auth.includes('explorer')).toBe(false);
	});
});
