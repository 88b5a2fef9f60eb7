/** Driving the explorer's pure update without Ink: the fixture download, actions in order, and key presses. */
import {readFileSync} from 'node:fs';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import type {KeyPress} from '../../source/ui/keymap.js';
import type {Action, AppState} from '../../source/ui/state.js';
import {type Effect, update} from '../../source/ui/update.js';

const fixtureBytes = readFileSync(new URL('../../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url));

/** The cloud-sync fixture as a schema download (bytes and parsed), a fresh copy each time. */
export const download = () => ({bytes: fixtureBytes, schema: JSON.parse(fixtureBytes.toString('utf8')) as SynchronizationSchema});

/** Applies actions in order, collecting the effects. */
export function run(state: AppState, ...actions: Action[]): {state: AppState; effects: Effect[]} {
	let current = state;
	const effects: Effect[] = [];
	for (const action of actions) {
		const result = update(current, action);
		current = result.state;
		effects.push(...result.effects);
	}
	return {state: current, effects};
}

/** Key presses as the decoder hands them on: text is one press per character. */
export function keys(...presses: Array<string | Partial<KeyPress>>): Action[] {
	return presses.flatMap((press) => (typeof press === 'string' ? [...press].map((input) => ({type: 'key' as const, press: {input}})) : [{type: 'key' as const, press: {input: '', ...press}}]));
}

export const enter = {return: true};
export const esc = {escape: true};
export const down = {downArrow: true};
