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
	| 'testExpression'
	| 'editTestValue'
	| 'runTest'
	| 'saveCase'
	| 'readSourceObject'
	| 'commandLine'
	| 'history'
	| 'jobHistory'
	| 'markVersion'
	| 'restoreVersion'
	// A job's status, actions, provision on demand and provisioning logs (issue 11):
	| 'jobStatus'
	| 'watch'
	| 'startJob'
	| 'pauseJob'
	| 'restartJob'
	| 'provision'
	| 'logs'
	| 'logQuery'
	| 'restoreBackup'
	| 'quit'
	| 'forceQuit'
	// Text fields, filters, choices, confirmations, the plan's typed confirmation, help:
	| 'submit'
	| 'cancel'
	| 'complete'
	| 'cursorLeft'
	| 'cursorRight'
	| 'lineStart'
	| 'lineEnd'
	| 'deleteBack'
	| 'deleteWord'
	| 'deleteLine'
	| 'yes'
	| 'no'
	| 'close'
	/** A short menu's item by its number (1–9). */
	| 'pick'
	/** Any printable character, typed into the plan's confirmation. */
	| 'typeText';

/**
 * Where the keys go: a screen's list or text (`list`), the `/` filter being typed, a text field (prompt), a choice
 * (a long list narrowed by typing), a short fixed menu (ink-select-input: no typing, so j/k and digits are keys),
 * a yes/no confirmation, the plan's typed confirmation, the help. Each context has its own rows in the table.
 */
export type KeyContext = 'list' | 'filter' | 'text' | 'choice' | 'menu' | 'confirm' | 'notice' | 'plan' | 'help';

type KeyName = Exclude<keyof KeyPress, 'input' | 'ctrl' | 'meta' | 'shift'>;

/** A named key, a character (with Ctrl), or any printable text (what is typed into a confirmation). */
type KeySpec = {key: KeyName} | {input: string; ctrl?: boolean} | {printable: true};

export type KeyBinding = {
	command: Command;
	/** Default: list. */
	context?: KeyContext;
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
	// Before `back`: where a job's history is offered (the jobs list, the job), h opens it instead of going back.
	{command: 'history', keys: [{input: 'h'}], label: 'h', help: "history of the job: versions, compare, restore"},
	// Inside a job's screens h goes back (as ← does), so the history is H there; H works on the jobs list and the job too.
	{command: 'jobHistory', keys: [{input: 'H'}], label: 'H', help: 'history of this job, from any of its screens'},
	{command: 'back', keys: [{key: 'escape'}, {key: 'leftArrow'}, {input: 'h'}], label: 'Esc/←', help: 'back', footer: true},
	{command: 'filter', keys: [{input: '/'}], label: '/', help: 'filter this list', footer: true},
	// The expression test (t): Enter edits the selected value, r runs again, s keeps the run as a case.
	{command: 'editTestValue', keys: [{key: 'return'}], label: '⏎', help: 'edit', footer: true},
	{command: 'runTest', keys: [{input: 'r'}], label: 'r', help: 'run', footer: true},
	{command: 'saveCase', keys: [{input: 's'}], label: 's', help: 'save case', footer: true},
	{command: 'readSourceObject', keys: [{input: 'o'}], label: 'o', help: 'values of a real source object', footer: true},
	{command: 'editSource', keys: [{input: 's'}], label: 's', help: 'change the source', footer: true},
	{command: 'editDefault', keys: [{input: 'd'}], label: 'd', help: 'change the default value'},
	{command: 'editFlowType', keys: [{input: 'f'}], label: 'f', help: 'change flowType'},
	{command: 'editFlowBehavior', keys: [{input: 'b'}], label: 'b', help: 'change flowBehavior'},
	{command: 'editMatching', keys: [{input: 'm'}], label: 'm', help: 'change the matching priority'},
	{command: 'addItem', keys: [{input: 'a'}], label: 'a', help: 'add', footer: true},
	{command: 'removeItem', keys: [{input: 'D'}], label: 'D', help: 'remove'},
	{command: 'testExpression', keys: [{input: 't'}], label: 't', help: 'test the expression', footer: true},
	{command: 'toggleEnabled', keys: [{input: 't'}], label: 't', help: 'enable or disable the object mapping', footer: true},
	{command: 'scope', keys: [{input: 'S'}], label: 'S', help: 'scoping filter of the object mapping', footer: true},
	{command: 'externalEdit', keys: [{input: 'e'}], label: 'e', help: 'edit as JSON in $VISUAL/$EDITOR'},
	{command: 'changes', keys: [{input: 'c'}], label: 'c', help: 'pending changes', footer: true},
	{command: 'undo', keys: [{input: 'u'}], label: 'u', help: 'undo the last edit', footer: true},
	{command: 'savePatch', keys: [{input: 'P'}], label: 'P', help: 'save pending changes as a JSON Patch file'},
	{command: 'plan', keys: [{input: 'w'}], label: 'w', help: 'plan and write to the tenant', footer: true},
	{command: 'import', keys: [{input: 'i'}], label: 'i', help: 'import a schema file into this job'},
	{command: 'export', keys: [{input: 'x'}], label: 'x', help: 'export the schema to a file', footer: true},
	{command: 'markVersion', keys: [{input: ' '}], label: 'Space', help: 'mark to compare with another (Enter on it)', footer: true},
	{command: 'restoreVersion', keys: [{input: 'R'}], label: 'R', help: 'restore (plan, confirm)', footer: true},
	{command: 'retry', keys: [{input: 'r'}], label: 'r', help: 'reload / retry'},
	{command: 'jobStatus', keys: [{input: 'J'}], label: 'J', help: 'job status, actions, provision on demand, logs', footer: true},
	{command: 'watch', keys: [{input: 'W'}], label: 'W', help: 'watch: refresh the status every 3 s (again stops)', footer: true},
	{command: 'startJob', keys: [{input: 's'}], label: 's', help: 'start the job', footer: true},
	{command: 'pauseJob', keys: [{input: 'z'}], label: 'z', help: 'pause the job'},
	{command: 'restartJob', keys: [{input: 'R'}], label: 'R', help: 'restart provisioning: choose a documented scope', footer: true},
	{command: 'provision', keys: [{input: 'p'}], label: 'p', help: 'provision a test user on demand', footer: true},
	{command: 'logs', keys: [{input: 'L'}], label: 'L', help: 'provisioning logs of the job', footer: true},
	{command: 'logQuery', keys: [{input: 'F'}], label: 'F', help: 'filter the logs at Graph: status, action, user (object id), since', footer: true},
	{command: 'restoreBackup', keys: [{input: 'B'}], label: 'B', help: 'restore the backup taken before the write (through the plan)', footer: true},
	{command: 'commandLine', keys: [{input: ':'}], label: ':', help: 'command: :open APP/JOB/TARGET :restore :login :logout :whoami :apps :quit'},
	{command: 'help', keys: [{input: '?'}], label: '?', help: 'help for this screen', footer: true},
	{command: 'quit', keys: [{input: 'q'}], label: 'q', help: 'quit', footer: true},
	{command: 'forceQuit', keys: [{input: 'c', ctrl: true}], label: 'Ctrl+C', help: 'quit at once'},

	{context: 'filter', command: 'submit', keys: [{key: 'return'}], label: 'Enter', help: 'open the row named so or the one row left, else keep the filter', footer: true},
	{context: 'filter', command: 'cancel', keys: [{key: 'escape'}], label: 'Esc', help: 'clear the filter', footer: true},
	{context: 'filter', command: 'deleteBack', keys: [{key: 'backspace'}, {key: 'delete'}], label: '⌫', help: 'delete a character'},
	{context: 'filter', command: 'up', keys: [{key: 'upArrow'}], label: '↑', help: 'move up'},
	{context: 'filter', command: 'down', keys: [{key: 'downArrow'}], label: '↓', help: 'move down', footer: true},

	{context: 'text', command: 'submit', keys: [{key: 'return'}], label: 'Enter', help: 'accept', footer: true},
	{context: 'text', command: 'cancel', keys: [{key: 'escape'}], label: 'Esc', help: 'cancel', footer: true},
	{context: 'text', command: 'complete', keys: [{key: 'tab'}], label: 'Tab', help: 'complete; again for the next candidate (Shift+Tab: previous)', footer: true},
	{context: 'text', command: 'cursorLeft', keys: [{key: 'leftArrow'}], label: '←', help: 'cursor left'},
	{context: 'text', command: 'cursorRight', keys: [{key: 'rightArrow'}], label: '→', help: 'cursor right'},
	{context: 'text', command: 'lineStart', keys: [{key: 'home'}, {input: 'a', ctrl: true}], label: 'Home/Ctrl+A', help: 'start of the line', footer: true},
	{context: 'text', command: 'lineEnd', keys: [{key: 'end'}, {input: 'e', ctrl: true}], label: 'End/Ctrl+E', help: 'end of the line'},
	{context: 'text', command: 'deleteBack', keys: [{key: 'backspace'}, {key: 'delete'}], label: '⌫', help: 'delete before the cursor'},
	{context: 'text', command: 'deleteWord', keys: [{input: 'w', ctrl: true}], label: 'Ctrl+W', help: 'delete the word before the cursor', footer: true},
	{context: 'text', command: 'deleteLine', keys: [{input: 'u', ctrl: true}], label: 'Ctrl+U', help: 'delete to the start of the line'},
	{context: 'text', command: 'testExpression', keys: [{input: 't', ctrl: true}], label: 'Ctrl+T', help: 'test the expression being typed on sample values (Esc comes back)'},

	{context: 'choice', command: 'submit', keys: [{key: 'return'}], label: 'Enter', help: 'accept', footer: true},
	{context: 'choice', command: 'up', keys: [{key: 'upArrow'}], label: '↑', help: 'move up'},
	{context: 'choice', command: 'down', keys: [{key: 'downArrow'}], label: '↓', help: 'move down', footer: true},
	{context: 'choice', command: 'pageUp', keys: [{key: 'pageUp'}], label: 'PgUp', help: 'page up'},
	{context: 'choice', command: 'pageDown', keys: [{key: 'pageDown'}], label: 'PgDn', help: 'page down'},
	{context: 'choice', command: 'home', keys: [{key: 'home'}], label: 'Home', help: 'first'},
	{context: 'choice', command: 'end', keys: [{key: 'end'}], label: 'End', help: 'last'},
	{context: 'choice', command: 'cancel', keys: [{key: 'escape'}], label: 'Esc', help: 'clear the narrowing, then cancel', footer: true},
	{context: 'choice', command: 'deleteBack', keys: [{key: 'backspace'}, {key: 'delete'}], label: '⌫', help: 'narrow less'},

	// The short fixed menus, drawn and driven by ink-select-input (screen.tsx, menu.tsx): exactly the keys its handler
	// reacts to (test/ui/menu.test.tsx checks it), plus Esc, which the update handles.
	{context: 'menu', command: 'submit', keys: [{key: 'return'}], label: 'Enter', help: 'accept', footer: true},
	{context: 'menu', command: 'up', keys: [{key: 'upArrow'}, {input: 'k'}], label: '↑/k', help: 'move up'},
	{context: 'menu', command: 'down', keys: [{key: 'downArrow'}, {input: 'j'}], label: '↓/j', help: 'move down', footer: true},
	{context: 'menu', command: 'pick', keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((digit) => ({input: digit})), label: '1–9', help: 'choose by number', footer: true},
	{context: 'menu', command: 'cancel', keys: [{key: 'escape'}], label: 'Esc', help: 'cancel', footer: true},
	{context: 'menu', command: 'help', keys: [{input: '?'}], label: '?', help: 'help', footer: true},

	{context: 'confirm', command: 'yes', keys: [{input: 'y'}, {input: 'Y'}], label: 'y', help: 'yes', footer: true},
	{context: 'confirm', command: 'no', keys: [{input: 'n'}, {input: 'N'}, {key: 'escape'}], label: 'n/Esc', help: 'no', footer: true},
	{context: 'confirm', command: 'help', keys: [{input: '?'}], label: '?', help: 'help for this question', footer: true},

	// A row shown in full (a list row cut at this width): Enter goes on to what the row's Enter does, Esc goes back.
	{context: 'notice', command: 'open', keys: [{key: 'return'}], label: 'Enter', help: 'go on (as said above)', footer: true},
	{context: 'notice', command: 'back', keys: [{key: 'escape'}, {input: 'q'}], label: 'Esc', help: 'back to the list', footer: true},
	{context: 'notice', command: 'close', keys: [{key: 'return'}, {key: 'escape'}, {input: 'q'}, {input: ' '}], label: 'Enter/Esc', help: 'close', footer: true},
	{context: 'notice', command: 'help', keys: [{input: '?'}], label: '?', help: 'help', footer: true},

	// Any printable key is part of the name being typed (so `?` and `q` are text here); named keys are never printable.
	{context: 'plan', command: 'typeText', keys: [{printable: true}], label: 'type', help: 'the name', footer: true},
	{context: 'plan', command: 'submit', keys: [{key: 'return'}], label: 'Enter', help: 'write, once the name is typed exactly', footer: true},
	{context: 'plan', command: 'cancel', keys: [{key: 'escape'}], label: 'Esc', help: 'go back without writing', footer: true},
	{context: 'plan', command: 'deleteBack', keys: [{key: 'backspace'}, {key: 'delete'}], label: '⌫', help: 'delete a character'},
	{context: 'plan', command: 'up', keys: [{key: 'upArrow'}], label: '↑', help: 'scroll up'},
	{context: 'plan', command: 'down', keys: [{key: 'downArrow'}], label: '↓', help: 'scroll down', footer: true},
	{context: 'plan', command: 'pageUp', keys: [{key: 'pageUp'}], label: 'PgUp', help: 'page up'},
	{context: 'plan', command: 'pageDown', keys: [{key: 'pageDown'}], label: 'PgDn', help: 'page down', footer: true},

	{context: 'help', command: 'close', keys: [{key: 'escape'}, {key: 'return'}, {input: '?'}, {input: 'q'}], label: 'Esc', help: 'close help (also ? q Enter)', footer: true},
	{context: 'help', command: 'up', keys: [{key: 'upArrow'}, {input: 'k'}], label: '↑/k', help: 'scroll up'},
	{context: 'help', command: 'down', keys: [{key: 'downArrow'}, {input: 'j'}], label: '↓/j', help: 'scroll down', footer: true},
	{context: 'help', command: 'pageUp', keys: [{key: 'pageUp'}, {input: 'b', ctrl: true}], label: 'PgUp', help: 'page up'},
	{context: 'help', command: 'pageDown', keys: [{key: 'pageDown'}, {input: 'f', ctrl: true}, {input: ' '}], label: 'PgDn', help: 'page down', footer: true},
	{context: 'help', command: 'home', keys: [{key: 'home'}, {input: 'g'}], label: 'Home', help: 'top'},
	{context: 'help', command: 'end', keys: [{key: 'end'}, {input: 'G'}], label: 'End', help: 'bottom'},
];

/** Every command of a context (for contexts whose keys are all always on). */
export function contextCommands(context: KeyContext): ReadonlySet<Command> {
	return new Set(keyBindings.filter((binding) => binding.context === context).map((binding) => binding.command));
}

export const textFieldCommands = contextCommands('text');
export const filterCommands = contextCommands('filter');
export const choiceCommands = contextCommands('choice');
export const menuCommands = contextCommands('menu');
export const confirmCommands = contextCommands('confirm');
/** A notice closes on Enter; a row shown in full goes on to the row's action on Enter instead (rowInFull). */
export const noticeCommands: ReadonlySet<Command> = new Set<Command>(['close', 'help']);
export const rowNoticeCommands: ReadonlySet<Command> = new Set<Command>(['open', 'back', 'help']);
/** The plan's typed confirmation: every key of its context. */
export const planConfirmCommands = contextCommands('plan');
export const helpCommands = contextCommands('help');

const bindingByCommand = new Map(keyBindings.filter((binding) => !binding.context).map((binding) => [binding.command, binding]));

export function bindingFor(command: Command): KeyBinding {
	const binding = bindingByCommand.get(command);
	if (!binding) throw new Error(`no key binding for ${command}`);
	return binding;
}

function specMatches(spec: KeySpec, press: KeyPress): boolean {
	if ('key' in spec) return press[spec.key] === true;
	// Printable: text without Ctrl/Meta and without control characters (Enter, Esc, Tab are named keys).
	if ('printable' in spec) return press.input !== '' && !press.ctrl && !press.meta && !/[\x00-\x1f\x7f-\x9f]/.test(press.input);
	return press.input === spec.input && Boolean(press.ctrl) === Boolean(spec.ctrl) && !press.meta;
}

function inContext(binding: KeyBinding, context: KeyContext): boolean {
	return (binding.context ?? 'list') === context;
}

/** The command a key press means in a context that offers `available` commands, if any. */
export function matchCommand(press: KeyPress, available: ReadonlySet<Command>, context: KeyContext = 'list'): Command | undefined {
	for (const binding of keyBindings) {
		if (!inContext(binding, context) || !available.has(binding.command)) continue;
		if (binding.keys.some((spec) => specMatches(spec, press))) return binding.command;
	}
	return undefined;
}

/** The footer line for a context: the most useful keys it offers, in table order. */
export function footerBindings(available: ReadonlySet<Command>, context: KeyContext = 'list'): KeyBinding[] {
	return keyBindings.filter((binding) => binding.footer && inContext(binding, context) && available.has(binding.command));
}

export function helpBindings(available: ReadonlySet<Command>, context: KeyContext = 'list'): KeyBinding[] {
	return keyBindings.filter((binding) => inContext(binding, context) && available.has(binding.command));
}
