/**
 * The explorer's Ink root: owns the reducer, routes keys into it, follows the terminal size and
 * runs the effects. Everything it draws comes from `state` through the thin views in screen.tsx.
 */
import {useApp, useInput, useStdout} from 'ink';
import {useEffect, useReducer, useRef} from 'react';
import type {ExplorerServices} from '../explorer/services.js';
import {type ExternalEditor, useExplorerEffects} from './effects.js';
import {escapeTimeoutMs, KeyDecoder} from './input.js';
import type {KeyPress} from './keymap.js';
import {Screen} from './screen.js';
import {type Action, initialState, reducer} from './state.js';

export type ExplorerProps = {
	services: ExplorerServices;
	/** Called with the exit code once the user quits. */
	onExit?: (code: number) => void;
	/** Opens text in $VISUAL/$EDITOR (only where a real terminal can be handed over). */
	editor?: ExternalEditor;
	/** A JSON Patch file to load into the pending changes of the first schema opened. */
	initialPatch?: string;
};

function useTerminalSize(dispatch: (action: Action) => void): {rows: number; columns: number} {
	const {stdout} = useStdout();
	const size = {rows: stdout.rows || 24, columns: stdout.columns || 80};
	useEffect(() => {
		const onResize = () => dispatch({type: 'resize', rows: stdout.rows || 24, columns: stdout.columns || 80});
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout, dispatch]);
	return size;
}

export function Explorer({services, onExit, editor, initialPatch}: ExplorerProps) {
	const {stdout} = useStdout();
	const [state, dispatch] = useReducer(reducer, undefined, () =>
		initialState(services.source, {rows: stdout.rows || 24, columns: stdout.columns || 80}, {readOnly: services.readOnly, initialPatch}),
	);
	useTerminalSize(dispatch);
	useExplorerEffects(state, dispatch, services, {editor});

	// The key handler only dispatches, so it never acts on stale state however fast keys arrive.
	const decoder = useRef(new KeyDecoder());
	const escapeTimer = useRef<NodeJS.Timeout | undefined>(undefined);
	useInput((input, key) => {
		clearTimeout(escapeTimer.current);
		const press: KeyPress = {input, ...key};
		for (const ready of decoder.current.feed(press)) dispatch({type: 'key', press: ready});
		if (decoder.current.hasPendingEscape) {
			escapeTimer.current = setTimeout(() => {
				for (const ready of decoder.current.flushEscape()) dispatch({type: 'key', press: ready});
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

	return <Screen state={state} />;
}
