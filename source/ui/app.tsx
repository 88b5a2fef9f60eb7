/**
 * The explorer's Ink root: holds the state, feeds key presses and terminal sizes to the pure update (update.ts),
 * hands the effects it answers to the runner (runner.ts), and draws the state through the views in screen.tsx.
 */
import {useApp, useInput, useStdout} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {ExplorerServices, SchemaDownload} from '../explorer/services.js';
import {escapeTimeoutMs, KeyDecoder} from './input.js';
import type {KeyPress} from './keymap.js';
import {MenuContext, MenuKeys} from './menu.js';
import {createRunner, type ExternalEditor, type Runner} from './runner.js';
import {Screen} from './screen.js';
import type {InitialLocation, SchemaLocation} from '../explorer/deep-link.js';
import {type Action, type AppState, initialState} from './state.js';
import {type Effect, startEffects, update} from './update.js';

export type {ExternalEditor} from './runner.js';

export type ExplorerProps = {
	services: ExplorerServices;
	/** Called with the exit code once the user quits. */
	onExit?: (code: number) => void;
	/** Opens text in $VISUAL/$EDITOR (only where a real terminal can be handed over). */
	editor?: ExternalEditor;
	/** A JSON Patch file to load into the pending changes of the first schema opened. */
	initialPatch?: string;
	/** The case file (--cases): where `t` saves cases, and what a write runs before its confirmation. */
	casesPath?: string;
	/** Where to open (a deep link resolved before the first frame): the job, object mapping or attribute mapping. */
	initialLocation?: InitialLocation | SchemaLocation;
	/** `--file`: the schema, when it was read before the explorer mounted; the first frame is then its screen, not "loading". */
	preloaded?: SchemaDownload;
};

/**
 * The state lives in a ref that `dispatch` updates at once, so every key press and answer applies to the latest
 * state in order, however many arrive in one read; React is told afterwards to draw it.
 */
function useExplorer(services: ExplorerServices, initial: () => {state: AppState; effects: Effect[]}, editor: ExternalEditor | undefined): [AppState, (action: Action) => void, () => AppState] {
	const current = useRef<AppState | undefined>(undefined);
	/** What the initial state still asks for, run once the runner exists. */
	const pending = useRef<Effect[]>([]);
	if (!current.current) {
		const first = initial();
		current.current = first.state;
		pending.current = first.effects;
	}
	const [state, setState] = useState(current.current);
	const runner = useRef<Runner | undefined>(undefined);
	const dispatch = useCallback((action: Action) => {
		const result = update(current.current!, action);
		current.current = result.state;
		setState(result.state);
		for (const effect of result.effects) runner.current?.run(effect);
	}, []);
	useEffect(() => {
		const created = createRunner(services, dispatch, {editor});
		runner.current = created;
		for (const effect of [...startEffects(current.current!), ...pending.current.splice(0)]) created.run(effect);
		return () => created.dispose();
	}, [services, dispatch, editor]);
	// Graph throttling or failing: say why the screen waits, and for how long.
	useEffect(() => {
		if (!services.watchRetries) return;
		return services.watchRetries((notice) =>
			dispatch({type: 'notice', message: {kind: 'info', text: `${notice.reason}; retrying in ${Math.max(1, Math.round(notice.waitMs / 1000))} s…`}}),
		);
	}, [services, dispatch]);
	const latest = useCallback(() => current.current!, []);
	return [state, dispatch, latest];
}

export function Explorer({services, onExit, editor, initialPatch, casesPath, initialLocation, preloaded}: ExplorerProps) {
	const {stdout} = useStdout();
	const [state, dispatch, latest] = useExplorer(
		services,
		() => {
			const state = initialState(services.source, {rows: stdout.rows || 24, columns: stdout.columns || 80}, {readOnly: services.readOnly, initialPatch, casesPath, initialLocation});
			// The file's first frame (id 1) takes the schema as if it had just been loaded: one frame drawn instead of two.
			return preloaded ? update(state, {type: 'schemaLoaded', frameId: state.stack[0]!.id, download: preloaded}) : {state, effects: []};
		},
		editor,
	);

	useEffect(() => {
		const onResize = () => dispatch({type: 'resize', rows: stdout.rows || 24, columns: stdout.columns || 80});
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout, dispatch]);

	// The key handler only dispatches, so it never acts on stale state however fast keys arrive. A short menu on
	// screen (ink-select-input, menu.tsx) takes its own keys from here, in the same order; until it is on screen
	// (keys typed ahead in the read that opened it) the update handles them the same way.
	const decoder = useRef(new KeyDecoder());
	const escapeTimer = useRef<NodeJS.Timeout | undefined>(undefined);
	const menuKeys = useRef(new MenuKeys());
	const menuWiring = useMemo(() => ({keys: menuKeys.current, report: dispatch}), [dispatch]);
	const deliver = useCallback(
		(press: KeyPress) => {
			if (!menuKeys.current.deliver(latest().modal, press)) dispatch({type: 'key', press});
		},
		[dispatch, latest],
	);
	useInput((input, key) => {
		clearTimeout(escapeTimer.current);
		const press: KeyPress = {input, ...key};
		for (const ready of decoder.current.feed(press)) {
			if (ready.paste === undefined) deliver(ready);
			else dispatch({type: 'paste', text: ready.paste});
		}
		if (decoder.current.hasPendingEscape) {
			escapeTimer.current = setTimeout(() => {
				for (const ready of decoder.current.flushEscape()) deliver(ready);
			}, escapeTimeoutMs);
		}
	});
	useEffect(() => () => clearTimeout(escapeTimer.current), []);

	const {exit} = useApp();
	useEffect(() => {
		if (!state.exit) return;
		onExit?.(state.exit.code);
		exit();
	}, [state.exit, exit, onExit]);

	return (
		<MenuContext.Provider value={menuWiring}>
			<Screen state={state} />
		</MenuContext.Provider>
	);
}
