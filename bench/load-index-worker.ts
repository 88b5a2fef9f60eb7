/**
 * Runs in its own process (started by load-index.ts with --expose-gc) so that its heap holds only
 * the schema being measured. For one file, it times, interleaved and in alternating order:
 *   - baseline: JSON.parse of the same bytes (decoded to a string, the least any loader does);
 *   - load + index: what the explorer does before it can show a file's schema screen — decode and
 *     check the encoding, parse, check the shape, detect the text style, build the navigation index
 *     and read its first level (rules and directories);
 *   - everything: the same, plus every level of the index materialised and the attribute-usage
 *     index built (what opening every screen of the schema would cost).
 * Prints one JSON line on stdout.
 */
import {readFileSync} from 'node:fs';
import {decodeSchemaBytes, detectTextStyle, parseSchemaText} from '../source/schema/load.js';
import {buildSchemaIndex, type SchemaIndex} from '../source/schema/navigation.js';

const [path, iterationText] = process.argv.slice(2);
if (!path || !iterationText) throw new Error('usage: load-index-worker.ts FILE ITERATIONS');
const iterations = Number(iterationText);
const collectGarbage = (globalThis as {gc?: () => void}).gc;
if (!collectGarbage) throw new Error('run with --expose-gc');

const bytes = readFileSync(path);

/** Keeps results reachable until timing ends, so V8 cannot drop the work. */
let sink: unknown;

function jsonParse(): void {
	sink = JSON.parse(bytes.toString('utf8'));
}

function loadAndIndex(): SchemaIndex {
	const {text} = decodeSchemaBytes(bytes);
	const schema = parseSchemaText(text, path!);
	const style = detectTextStyle(text);
	const index = buildSchemaIndex(schema);
	sink = [style, index.rules.length, index.directories.length];
	return index;
}

function loadAndIndexEverything(): void {
	const index = loadAndIndex();
	let nodes = 0;
	for (const rule of index.rules) {
		for (const objectMapping of rule.objectMappings) nodes += objectMapping.attributeMappings.length;
	}
	for (const directory of index.directories) {
		for (const object of directory.objects) {
			nodes += object.attributes.length;
			// The first usage query indexes every mapping of the schema.
			const first = object.attributes[0];
			if (first) nodes += first.usages.asTarget.length;
		}
	}
	sink = nodes;
}

function time(work: () => unknown): number {
	collectGarbage!();
	const start = performance.now();
	work();
	const elapsed = performance.now() - start;
	sink = undefined;
	return elapsed;
}

const samples = {jsonParseMs: [] as number[], loadIndexMs: [] as number[], everythingMs: [] as number[]};
const candidates: Array<[keyof typeof samples, () => unknown]> = [
	['jsonParseMs', jsonParse],
	['loadIndexMs', loadAndIndex],
	['everythingMs', loadAndIndexEverything],
];
// Two untimed rounds so all three are compiled and the file is in memory before timing starts.
for (let warmup = 0; warmup < 2; warmup++) for (const [, work] of candidates) time(work);
for (let round = 0; round < iterations; round++) {
	// Rotate the order each round, so neither side always runs right after a collection or the other's garbage.
	for (let offset = 0; offset < candidates.length; offset++) {
		const [name, work] = candidates[(round + offset) % candidates.length]!;
		samples[name].push(time(work));
	}
}
process.stdout.write(`${JSON.stringify({bytes: bytes.length, ...samples})}\n`);
void sink;
