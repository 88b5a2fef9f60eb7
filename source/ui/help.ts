/**
 * The `?` help: generated from the key table (keymap.ts) for where it is opened — the screen, or the question or
 * notice over it — so it always says what the keys do there. A long help scrolls like any text view and shows
 * its position.
 */
import {type Command, contextCommands, helpBindings, menuCommands} from './keymap.js';
import {frameTitle, screenOf} from './screens/index.js';
import {type AppState, availableCommands, type Frame, keyScope} from './state.js';

export type HelpLine = {text: string; bold?: boolean; dim?: boolean};

const helpCache = new WeakMap<Frame, {readOnly: boolean; lines: HelpLine[]}>();

export function helpLines(state: Pick<AppState, 'stack' | 'readOnly' | 'modal'>): HelpLine[] {
	const frame = state.stack[state.stack.length - 1]!;
	if (state.modal) {
		// Over a dialog: the keys of the dialog (what the screen's keys do is one Esc and one ? away).
		const {context, commands} = keyScope({...state, help: false});
		const lines: HelpLine[] = [{text: `Keys in this dialog (${state.modal.title})`, bold: true}];
		for (const binding of helpBindings(commands, context)) lines.push({text: `  ${binding.label.padEnd(10)} ${binding.help}`});
		lines.push({text: 'Esc or ? closes this help; ↑↓ PgUp PgDn scroll it.', dim: true});
		return lines;
	}
	const cached = helpCache.get(frame);
	if (cached && cached.readOnly === state.readOnly) return cached.lines;
	const lines: HelpLine[] = [{text: `Keys on this screen (${frameTitle(frame)})`, bold: true}];
	const commands = availableCommands(frame, state.readOnly);
	// First, so it is seen without scrolling: why keys the admin expects are missing.
	if (state.readOnly) lines.push({text: '  Read-only session: editing and writing keys are off.', dim: true});
	for (const binding of helpBindings(commands)) lines.push({text: `  ${binding.label.padEnd(10)} ${binding.help}`});
	if (commands.has('filter')) {
		lines.push({text: 'In a filter:', bold: true});
		for (const binding of helpBindings(contextCommands('filter'), 'filter')) lines.push({text: `  ${binding.label.padEnd(10)} ${binding.help}`, dim: true});
	}
	if (screenOf(frame).textFields) {
		lines.push({text: 'In a text field:', bold: true});
		for (const binding of helpBindings(contextCommands('text'), 'text')) lines.push({text: `  ${binding.label.padEnd(12)} ${binding.help}`, dim: true});
	}
	if ((['editSource', 'editFlowType', 'editFlowBehavior', 'restartJob'] as Command[]).some((command) => commands.has(command))) {
		lines.push({text: 'In a short menu (source type, flowType, flowBehavior, restart scope):', bold: true});
		for (const binding of helpBindings(menuCommands, 'menu')) lines.push({text: `  ${binding.label.padEnd(10)} ${binding.help}`, dim: true});
	}
	lines.push({text: 'Esc or ? closes this help; ↑↓ PgUp PgDn scroll it.', dim: true});
	helpCache.set(frame, {readOnly: state.readOnly, lines});
	return lines;
}
