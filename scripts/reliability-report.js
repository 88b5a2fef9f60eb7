// Runs the fault matrix (test/reliability/fault-matrix.test.ts) and writes what it observed to
// test/reliability/results.json and docs/reliability.md. `npm run reliability` builds first (the matrix runs
// the built executable). `--render-only` rewrites docs/reliability.md from the results file without running.
import {spawnSync} from 'node:child_process';
import {readFile, writeFile} from 'node:fs/promises';
import os from 'node:os';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsPath = fileURLToPath(new URL('../test/reliability/results.json', import.meta.url));
const reportPath = fileURLToPath(new URL('../docs/reliability.md', import.meta.url));
const command = 'npm run reliability';

async function runMatrix() {
	const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
	const started = Date.now();
	const run = spawnSync(process.execPath, [vitest, 'run', 'test/reliability/fault-matrix.test.ts'], {
		cwd: root,
		stdio: 'inherit',
		env: {...process.env, PVX_RELIABILITY_RESULTS: resultsPath},
	});
	if (run.status !== 0) {
		process.stderr.write('reliability: the fault matrix failed, so docs/reliability.md was left as it was.\n');
		process.exit(run.status ?? 1);
	}
	const results = JSON.parse(await readFile(resultsPath, 'utf8'));
	const cpus = os.cpus();
	results.produced = {
		command,
		date: new Date().toISOString(),
		durationSeconds: Math.round((Date.now() - started) / 1000),
		node: process.version,
		platform: `${os.platform()} ${os.release()} ${os.arch()}`,
		cpus: `${cpus.length} × ${cpus[0]?.model?.trim() ?? 'unknown CPU'}`,
		memoryGiB: Math.round(os.totalmem() / 2 ** 30),
	};
	await writeFile(resultsPath, `${JSON.stringify(results, null, '\t')}\n`);
	return results;
}

const plural = (count, word) => `${count} ${word}${count === 1 ? '' : 's'}`;
const times = (count) => (count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`);

/** The cause in a few words, from the one-line message. */
function shortCause(message) {
	if (!message) return 'no message';
	const http = /failed: (\d{3}) \(([\w.]+)\)/.exec(message);
	const cause = http
		? `HTTP ${http[1]} ${http[2]}`
		: /timed out/.test(message)
			? 'timed out'
			: /not valid JSON|not JSON/.test(message)
				? 'body is not valid JSON'
				: /(E[A-Z]{4,})/.exec(message)?.[1];
	if (/nothing was applied/.test(message)) return `${cause}; read back: not applied`;
	if (/the write was applied/.test(message)) return `${cause}; read back: applied`;
	if (!cause) return message.split(/(?<=\.) /)[0];
	if (/Sign in again/.test(message)) return `${cause}; says sign in again`;
	if (/This needs the/.test(message)) return `${cause}; names the permission`;
	if (/was not found/.test(message)) return `${cause}; says what was not found`;
	return cause;
}

/** A success line in a few words. */
function shortSuccess(message) {
	if (/Written and verified/.test(message)) return 'written and verified';
	return message;
}

/** One cell of the matrix in a few words. */
function summarize(observation) {
	const parts = [];
	const retries = observation.attempts - 1;
	// The explorer has no exit code: its message says whether it failed.
	const succeeded = observation.exitCode === null ? !/fail|refus|Could not/i.test(observation.message ?? '') : observation.exitCode === 0;
	if (succeeded) {
		if (observation.notices.length > 0) {
			const wait = /retrying in (\d+) s/.exec(observation.notices[0])?.[1];
			parts.push(`retried ${times(retries)} after ${wait} s (said why), then OK`);
		} else if (observation.fault === '401-expired' && observation.operation !== 'sign-in') {
			parts.push('token refreshed silently, sent again, OK');
		} else if (observation.operation === 'sign-in' && retries > 0 && observation.fault !== '401-expired') {
			parts.push(`sent again ${times(retries)} after 1 s, signed in`);
		} else if (observation.operation === 'sign-in' && observation.fault === '401-expired') {
			parts.push('said the saved sign-in expired, asked to sign in again, OK');
		} else {
			parts.push(observation.message ? `OK: ${shortSuccess(observation.message)}` : 'OK');
		}
	} else {
		const exit = observation.exitCode === null ? '' : `exit ${observation.exitCode}, `;
		const tries = retries > 0 ? `after ${plural(observation.attempts, 'attempt')}` : 'no retry';
		parts.push(`${exit}${tries}: ${shortCause(observation.message)}`);
	}
	if (observation.live) {
		parts.push(`PUT ×${observation.puts}`, observation.backups > 0 ? 'backup ✓' : 'NO BACKUP', `tenant: ${observation.live === 'as-sent' ? 'as sent' : observation.live}`);
	}
	return parts.join(' · ');
}

const cellText = (text) => text.replace(/\|/g, '\\|').replace(/</g, '&lt;');
const code = (text) => `\`\` ${text} \`\``;

function render(results) {
	const {operations, faults, observations, produced, hangTimeoutMs} = results;
	const find = (surface, operation, fault) => observations.find((each) => each.surface === surface && each.operation === operation && each.fault === fault);
	const lines = [];
	const push = (...more) => lines.push(...more);
	push(
		'# Reliability under faults',
		'',
		`Generated by \`${produced.command}\` from [the fault matrix](../test/reliability/fault-matrix.test.ts) on ${produced.date.slice(0, 10)}`,
		`(${produced.cpus}, ${produced.memoryGiB} GiB, ${produced.platform}, Node ${produced.node}; the run took ${produced.durationSeconds} s).`,
		'Do not edit by hand: run the command again. The raw observations are in [results.json](../test/reliability/results.json).',
		'',
		'Each cell runs against a fresh demo tenant (the Graph simulator, over HTTP on 127.0.0.1) with one fault injected into',
		"one operation's request, through the real code paths: the built executable's subcommands as separate processes",
		'(`--demo --graph-url URL`, a fresh state folder each), and for a few cells the explorer\'s screens. The test asserts the',
		'expected outcome of every cell; the words below are what was observed.',
		'',
		'## What every cell must show',
		'',
		'- **One clear line.** A failure prints exactly one `provisioning-explorer: …` line with the cause and what to do next',
		'  (a command that only reads prints nothing else but the sign-in instruction); never a stack trace or "Unexpected',
		'  error"; nothing on standard output; no token, code or secret the tenant issued.',
		'- **Retries only where safe.** Graph GETs and `parseExpression` (which changes nothing) are sent again after 429, 502,',
		'  503, 504, a reset or a timeout, up to 4 times, waiting as long as `Retry-After` asks (at most 2 minutes) or',
		'  1 s, 2 s, 4 s…, and the wait is announced ("…; retrying in 1 s…"). A schema PUT is sent again only when it',
		'  certainly was not applied: after a 429 (Graph does not process a throttled request) or a 401 (refused before',
		'  anything happens; sent once more with a refreshed token). The sign-in service is asked again after 429 and 5xx',
		'  (at most twice, `Retry-After` up to 10 s). A body that is not valid JSON is not retried: it is reported.',
		'- **401: one silent refresh.** A 401 makes the client refresh the token once and send the request again; a second',
		'  401 says "Sign in again".',
		'- **No write left unverified, none without a backup.** Every PUT attempted has a backup of the live schema (mode',
		'  0600) saved before it. After a failed PUT the schema is read back: the user is told whether it was applied',
		'  (read back equals what was sent) or not (read back unchanged); a successful PUT is verified the same way.',
		'- **All or nothing.** `export` writes its file only when the whole schema arrived and parses.',
		'',
		'## Subcommands',
		'',
	);
	const applicable = (operation, fault) => operation.expected[fault.id] !== undefined;
	push(`| Operation (request) | ${faults.map((fault) => fault.title).join(' | ')} |`, `| --- | ${faults.map(() => '---').join(' | ')} |`);
	for (const operation of operations) {
		const cells = faults.map((fault) => {
			if (!applicable(operation, fault)) return '—';
			const observation = find('command', operation.id, fault.id);
			return observation ? cellText(summarize(observation)) : 'not run';
		});
		push(`| **${operation.title}** (\`${operation.request.shown}\`) | ${cells.join(' | ')} |`);
	}
	push('', '— : cannot happen to this operation:', '');
	for (const operation of operations) {
		for (const [fault, reason] of Object.entries(operation.notApplicable ?? {})) {
			push(`- ${operation.title} × ${faults.find((each) => each.id === fault).title}: ${reason}.`);
		}
	}
	push('', '## The explorer', '', 'A subset through the explorer\'s screens (ink-testing-library, the same services the terminal app uses):', '');
	push('| Operation | Fault | Keys | Outcome | Shown |', '| --- | --- | --- | --- | --- |');
	for (const observation of observations.filter((each) => each.surface === 'explorer')) {
		const operation = operations.find((each) => each.id === observation.operation);
		const fault = faults.find((each) => each.id === observation.fault);
		const retriedByUser = /; r after the error$/.test(observation.run);
		const outcome = retriedByUser ? `error shown; after r: OK (${plural(observation.attempts, 'attempt')} in all)` : summarize(observation);
		push(`| ${operation.title} | ${fault.title} | ${cellText(observation.run)} | ${cellText(outcome)} | ${code(observation.notices[0] ?? observation.message ?? '')} |`);
	}
	push('', '## Every cell', '');
	for (const operation of operations) {
		push(`### ${operation.title}`, '', `\`${operation.command}\`; faults injected into \`${operation.request.shown}\`${operation.afterHandling ? ' after Graph handled it (the PUT took effect)' : ''}.`, '');
		for (const fault of faults) {
			if (!applicable(operation, fault)) continue;
			const observation = find('command', operation.id, fault.id);
			if (!observation) continue;
			const facts = [
				`exit ${observation.exitCode}`,
				`${plural(observation.attempts, 'attempt')} (${observation.statuses.map((status) => (status === 0 ? 'no answer' : status)).join(', ')})`,
			];
			if (observation.refreshes > 0) facts.push(observation.refreshes === 1 ? '1 token refresh' : `${observation.refreshes} token refreshes`);
			if (observation.live) facts.push(`PUT ×${observation.puts}`, `${plural(observation.backups, 'backup')}`, `tenant ${observation.live === 'as-sent' ? 'holds what was sent' : observation.live}`);
			const said = [...observation.notices, ...(observation.message ? [observation.message] : [])].map(code).join(' then ');
			push(`- **${fault.title}** — ${facts.join(', ')}${said ? `: ${said}` : ''}`);
		}
		push('');
	}
	push('## How the faults are made', '', 'Rules of the simulator\'s fault injector (`source/simulator/faults.ts`, also over HTTP at `/_simulator/faults`), each on the first matching request only:', '');
	for (const fault of faults) push(`- **${fault.title}**: ${fault.explains}.`);
	push(
		`- "No answer" cells give the client a ${hangTimeoutMs / 1000} s timeout (\`PROVISIONING_EXPLORER_HTTP_TIMEOUT_MS=${hangTimeoutMs}\`; the defaults are 10 s to connect, 60 s for the answer, 30 s for sign-in).`,
		'- "Put schema, answer lost after Graph applied it": the rule answers after the tenant has stored the PUT (`afterHandling`).',
	);
	for (const operation of operations) {
		for (const [fault, scenario] of Object.entries(operation.scenarios ?? {})) {
			push(`- ${operation.title} × ${faults.find((each) => each.id === fault).title} is a scenario, not a rule: ${scenario}.`);
		}
	}
	push(
		'',
		'## Known limits',
		'',
		'- After an answer from the sign-in service that our retries did not absorb (a third 5xx or 429 in a row), msal-node',
		'  refuses to send the same sign-in request again for a minute (its own throttling): pressing r sooner shows the',
		'  same message at once. The message says to try again in a minute.',
		'- While a throttled PUT waits in the explorer, the plan screen shows the step ("Writing the schema (PUT)"), not',
		'  the reason for the wait; the subcommands print it.',
		'- Graph may answer 404 for the jobs of an app without provisioning, so `jobs` and the app list treat a 404 there',
		'  as "no provisioning jobs".',
		'',
	);
	return lines.join('\n');
}

const renderOnly = process.argv.includes('--render-only');
const results = renderOnly ? JSON.parse(await readFile(resultsPath, 'utf8')) : await runMatrix();
await writeFile(reportPath, render(results));
process.stderr.write(`reliability: wrote ${reportPath}\n`);
