/**
 * Key bindings as one data table: the same rows drive key matching, the footer and the `?` help,
 * so what the screen says is always what the keys do.
 */

/** What a key press carries, independent of Ink (so the reducer and tests need no Ink types). */
export type KeyPress = {
	input: string;
	upArrow?: boolean;
	downArrow?: boolean;
	leftArrow?: boolean;
	rightArrow?: boolean;
	pageUp?: boolean;
	pageDown?: boolean;
	home?: boolean;
	end?: boolean;
	return?: boolean;
	escape?: boolean;
	tab?: boolean;
	backspace?: boolean;
	delete?: boolean;
	ctrl?: boolean;
	meta?: boolean;
	shift?: boolean;
};

export type Command =
	| 'up'
	| 'down'
	| 'pageUp'
	| 'pageDown'
	| 'home'
	| 'end'
	| 'open'
	| 'back'
	| 'filter'
	| 'help'
	| 'export'
	| 'retry'
	| 'editSource'
	| 'editDefault'
	| 'editFlowType'
	| 'editFlowBehavior'
	| 'editMatching'
	| 'addItem'
	| 'removeItem'
	| 'toggleEnabled'
	| 'scope'
	| 'externalEdit'
	| 'changes'
	| 'undo'
	| 'savePatch'
	| 'plan'
	| 'import'
	| 'commandLine'
	| 'quit'
	| 'forceQuit';

type KeyName = Exclude<keyof KeyPress, 'input' | 'ctrl' | 'meta' | 'shift'>;

type KeySpec = {key: KeyName} | {input: string; ctrl?: boolean};

export type KeyBinding = {
	command: Command;
	keys: KeySpec[];
	/** How the key is written in the footer and help. */
	label: string;
	/** What it does, in a few words. */
	help: string;
	/** Shown in the short footer (the rest only in `?` help). */
	footer?: boolean;
};

export const keyBindings: readonly KeyBinding[] = [
	{command: 'up', keys: [{key: 'upArrow'}, {input: 'k'}], label: '↑/k', help: 'move up'},
	{command: 'down', keys: [{key: 'downArrow'}, {input: 'j'}], label: '↓/j', help: 'move down', footer: true},
	{command: 'pageUp', keys: [{key: 'pageUp'}, {input: 'b', ctrl: true}], label: 'PgUp', help: 'page up'},
	{command: 'pageDown', keys: [{key: 'pageDown'}, {input: 'f', ctrl: true}], label: 'PgDn', help: 'page down'},
	{command: 'home', keys: [{key: 'home'}, {input: 'g'}], label: 'Home/g', help: 'first row'},
	{command: 'end', keys: [{key: 'end'}, {input: 'G'}], label: 'End/G', help: 'last row'},
	{command: 'open', keys: [{key: 'return'}, {key: 'rightArrow'}, {input: 'l'}], label: '⏎/→', help: 'open', footer: true},
	{command: 'back', keys: [{key: 'escape'}, {key: 'leftArrow'}, {input: 'h'}], label: 'Esc/←', help: 'back', footer: true},
	{command: 'filter', keys: [{input: '/'}], label: '/', help: 'filter this list', footer: true},
	{command: 'editSource', keys: [{input: 's'}], label: 's', help: 'change the source', footer: true},
	{command: 'editDefault', keys: [{input: 'd'}], label: 'd', help: 'change the default value'},
	{command: 'editFlowType', keys: [{input: 'f'}], label: 'f', help: 'change flowType'},
	{command: 'editFlowBehavior', keys: [{input: 'b'}], label: 'b', help: 'change flowBehavior'},
	{command: 'editMatching', keys: [{input: 'm'}], label: 'm', help: 'change the matching priority'},
	{command: 'addItem', keys: [{input: 'a'}], label: 'a', help: 'add', footer: true},
	{command: 'removeItem', keys: [{input: 'D'}], label: 'D', help: 'remove'},
	{command: 'toggleEnabled', keys: [{input: 't'}], label: 't', help: 'enable or disable the object mapping', footer: true},
	{command: 'scope', keys: [{input: 'S'}], label: 'S', help: 'scoping filter of the object mapping', footer: true},
	{command: 'externalEdit', keys: [{input: 'e'}], label: 'e', help: 'edit as JSON in $VISUAL/$EDITOR'},
	{command: 'changes', keys: [{input: 'c'}], label: 'c', help: 'pending changes', footer: true},
	{command: 'undo', keys: [{input: 'u'}], label: 'u', help: 'undo the last edit', footer: true},
	{command: 'savePatch', keys: [{input: 'P'}], label: 'P', help: 'save pending changes as a JSON Patch file'},
	{command: 'plan', keys: [{input: 'w'}], label: 'w', help: 'plan and write to the tenant', footer: true},
	{command: 'import', keys: [{input: 'i'}], label: 'i', help: 'import a schema file into this job'},
	{command: 'export', keys: [{input: 'x'}], label: 'x', help: 'export the schema to a file', footer: true},
	{command: 'retry', keys: [{input: 'r'}], label: 'r', help: 'reload / retry'},
	{command: 'commandLine', keys: [{input: ':'}], label: ':', help: 'command: :restore :login :logout :whoami :apps :quit'},
	{command: 'help', keys: [{input: '?'}], label: '?', help: 'help for this screen', footer: true},
	{command: 'quit', keys: [{input: 'q'}], label: 'q', help: 'quit', footer: true},
	{command: 'forceQuit', keys: [{input: 'c', ctrl: true}], label: 'Ctrl+C', help: 'quit at once'},
];

const bindingByCommand = new Map(keyBindings.map((binding) => [binding.command, binding]));

export function bindingFor(command: Command): KeyBinding {
	const binding = bindingByCommand.get(command);
	if (!binding) throw new Error(`no key binding for ${command}`);
	return binding;
}

function specMatches(spec: KeySpec, press: KeyPress): boolean {
	if ('key' in spec) return press[spec.key] === true;
	return press.input === spec.input && Boolean(press.ctrl) === Boolean(spec.ctrl) && !press.meta;
}

/** The command a key press means on a screen that offers `available` commands, if any. */
export function matchCommand(press: KeyPress, available: ReadonlySet<Command>): Command | undefined {
	for (const binding of keyBindings) {
		if (!available.has(binding.command)) continue;
		if (binding.keys.some((spec) => specMatches(spec, press))) return binding.command;
	}
	return undefined;
}

/** The footer line for a screen: the most useful keys it offers, in table order. */
export function footerBindings(available: ReadonlySet<Command>): KeyBinding[] {
	return keyBindings.filter((binding) => binding.footer && available.has(binding.command));
}

export function helpBindings(available: ReadonlySet<Command>): KeyBinding[] {
	return keyBindings.filter((binding) => available.has(binding.command));
}
