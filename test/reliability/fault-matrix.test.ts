/**
 * The fault matrix (issue 6): every operation × every fault, each cell against a fresh demo tenant over HTTP,
 * through the built executable's subcommands (and, for a few cells, the explorer's screens). Whatever the
 * fault: one clear line, no stack trace, retries only where safe, no PUT repeated unless it certainly was not
 * applied, a backup for every PUT attempted, and never a write left unverified.
 *
 * With PVX_RELIABILITY_RESULTS=FILE the observations are written to FILE (scripts/reliability-report.js
 * turns them into docs/reliability.md).
 */
import {writeFile} from 'node:fs/promises';
import {afterAll, describe, type ExpectStatic, it} from 'vitest';
import {removeIsolatedStates} from '../commands/cli.js';
import {type CommandCellRun, hangTimeoutMs, runCommandCell} from './command-cells.js';
import {explorerCells, runExplorerCell} from './explorer-cells.js';
import {type Expected, type Fault, faults, type Observation, type Operation, operations} from './matrix.js';

const observations: Observation[] = [];

afterAll(async () => {
	removeIsolatedStates();
	const target = process.env.PVX_RELIABILITY_RESULTS;
	if (!target) return;
	const order = (observation: Observation) =>
		`${observation.surface}:${operations.findIndex((each) => each.id === observation.operation)}:${String(faults.findIndex((each) => each.id === observation.fault)).padStart(2, '0')}`;
	observations.sort((a, b) => order(a).localeCompare(order(b)));
	await writeFile(target, `${JSON.stringify({hangTimeoutMs, operations, faults, observations}, replacer, '\t')}\n`);
});

/** Regular expressions as their source, so the results file can show the expected rules. */
function replacer(_key: string, value: unknown): unknown {
	return value instanceof RegExp ? value.source : value;
}

/** The rules that hold in every cell, whatever the operation and the fault. */
function expectCommonRules(expect: ExpectStatic, operation: Operation, run: CommandCellRun): void {
	const {observation, result} = run;
	const output = `${result.stdout}\n${result.stderr}`;
	expect(observation.stackTrace, 'no stack trace, no "Unexpected error"').toBe(false);
	for (const secret of run.secrets) expect(output.includes(secret), 'no credential in the output').toBe(false);
	if (observation.exitCode !== 0) {
		// Exactly one error line; a command that only reads prints nothing else but the sign-in instruction.
		expect(result.stderr.split('\n').filter((line) => line.startsWith('provisioning-explorer: ')), result.stderr).toHaveLength(1);
		if (!operation.command.startsWith('import')) expect(run.otherLines, result.stderr).toHaveLength(1);
		expect(result.stdout).toBe('');
	}
	// Nothing was ever written without its backup; backups are private.
	if (observation.puts > 0) {
		expect(observation.backups, 'a backup for every write attempted').toBe(1);
		expect(run.backupModes).toEqual([0o600]);
	}
	if (operation.id !== 'put-schema' && operation.id !== 'put-schema-applied') expect(observation.puts).toBe(0);
	// A write that landed is one the user was told landed: read back and verified, or reported as applied.
	if (observation.live === 'as-sent' && observation.exitCode !== 0) expect(observation.message).toMatch(/the write was applied/);
	if (observation.live === 'unchanged') expect(observation.message).toMatch(/nothing was applied/);
	expect(observation.live).not.toBe('other');
	// An export is all or nothing.
	if (run.exported) expect(run.exported).toBe(observation.exitCode === 0 ? 'complete' : 'absent');
}

function expectCell(expect: ExpectStatic, expected: Expected, observation: Observation): void {
	expect(observation.exitCode).toBe(expected.exitCode);
	// A Graph 401 costs exactly one silent token refresh; nothing else refreshes in a run this short.
	if (observation.operation !== 'sign-in') expect(observation.refreshes).toBe(observation.fault.startsWith('401') ? 1 : 0);
	expect(observation.attempts, `attempts seen by the tenant: ${observation.statuses.join(', ')}`).toBe(expected.attempts);
	if (expected.notice) expect(observation.notices).toEqual([expect.stringMatching(expected.notice)]);
	else expect(observation.notices).toEqual([]);
	if (expected.exitCode !== 0 || expected.message) expect(observation.message).toMatch(expected.message ?? /./);
	if (expected.puts !== undefined) expect(observation.puts).toBe(expected.puts);
	if (expected.live) expect(observation.live).toBe(expected.live);
}

type Cell = {operation: Operation; fault: Fault; expected: Expected};

const cells: Cell[] = operations.flatMap((operation) =>
	faults.flatMap((fault) => {
		const expected = operation.expected[fault.id];
		if (!expected) {
			if (!operation.notApplicable?.[fault.id]) throw new Error(`${operation.id} × ${fault.id}: neither expected nor marked not applicable`);
			return [];
		}
		return [{operation, fault, expected}];
	}),
);

describe.concurrent('the subcommands under faults', () => {
	for (const {operation, fault, expected} of cells) {
		it(`${operation.title} × ${fault.title}`, async ({expect}) => {
			const run = await runCommandCell(operation, fault, expected);
			observations.push(run.observation);
			expectCommonRules(expect, operation, run);
			expectCell(expect, expected, run.observation);
		});
	}
});

describe.concurrent('the explorer under faults', () => {
	for (const cell of explorerCells) {
		it(`${cell.title}`, async ({expect}) => {
			const observation = await runExplorerCell(cell, expect);
			observations.push(observation);
		});
	}
});
