/** Provision on demand of one subject: the result as an admin reads it; after a write, the undo one key away. */
import {expectedSubjectKind} from '../../explorer/loop-operations.js';
import {onDemandLines, subjectWords} from '../../loop/on-demand.js';
import {describeLimiterWait} from '../../loop/rate-limit.js';
import {restoreBackup} from '../loop.js';
import type {ProvisionFrame} from '../state.js';
import {wrappedLines} from './job.js';
import {navigation, type ScreenKind} from './types.js';

function provisionLines(frame: ProvisionFrame, columns: number): string[] {
	const outcome = frame.outcome;
	const texts: string[] = [];
	texts.push(outcome ? `Subject: ${frame.subject} (${outcome.objectTypeName}, rule ${outcome.ruleId})` : `Subject: ${frame.subject}`);
	texts.push('');
	if (frame.status === 'waiting') texts.push(describeLimiterWait(frame.waitMs ?? 0));
	if (frame.status === 'running') texts.push('Provisioning on demand… (Graph answers once the object is processed; this can take a while.)');
	if (frame.status === 'error') texts.push(`✗ ${frame.error ?? 'Provisioning on demand failed.'}`);
	if (outcome) {
		// The outcome, steps and changed attributes first; each step's details (imported values, scoping) after them.
		texts.push(...onDemandLines(outcome.result, {highlight: frame.afterWrite?.touched, notes: outcome.notes}));
		if (frame.afterWrite && outcome.result.modified.length > 0) texts.push(`* marks the attributes your change touched (${frame.afterWrite.touched.join(', ') || 'none'}).`);
	}
	if (frame.status === 'done' || frame.status === 'error') {
		texts.push('');
		if (frame.afterWrite) texts.push('If the result is wrong: B restores the backup taken before the write, through the plan:', `  ${frame.afterWrite.backupPath}`);
		texts.push(`p provisions again (${frame.status === 'error' ? subjectWords[expectedSubjectKind(frame.target.job.templateId)] : 'the same or another subject'}); L shows the provisioning logs; Esc goes back.`);
	}
	if (outcome) {
		const detailed = outcome.result.steps.filter((step) => Object.keys(step.details).length > 0);
		if (detailed.length > 0) texts.push('', 'Step details:');
		for (const step of detailed) {
			texts.push(`  ${step.type || step.name}:`);
			for (const [key, value] of Object.entries(step.details)) if (value !== '') texts.push(`    ${key}: ${value}`);
		}
	}
	return wrappedLines(texts, columns);
}

const cache = new WeakMap<ProvisionFrame, {columns: number; lines: string[]}>();

export const provisionScreen: ScreenKind<ProvisionFrame> = {
	title: (frame) => `Provision on demand: ${frame.subject}`,
	crumb: () => 'provision',
	commands: (frame) => {
		const finished = frame.status === 'done' || frame.status === 'error';
		return finished ? [...navigation, 'provision', 'logs', 'jobStatus', ...(frame.afterWrite ? (['restoreBackup'] as const) : [])] : [...navigation];
	},
	job: (frame) => frame.target,
	afterWrite: (frame) => frame.afterWrite,
	// B: the backup taken before the write, restored through the plan.
	command: (state, frame, command) => (command === 'restoreBackup' && frame.afterWrite ? restoreBackup(state, frame.afterWrite) : undefined),
	text(frame, columns) {
		const hit = cache.get(frame);
		if (hit?.columns === columns) return hit.lines;
		const lines = provisionLines(frame, columns);
		cache.set(frame, {columns, lines});
		return lines;
	},
};
