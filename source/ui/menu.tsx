/**
 * The short fixed menus (source type, flowType, flowBehavior, restart scope) drawn and driven by ink-select-input.
 * Its keys come from the explorer's one decoder (app.tsx), not from stdin: a run typed ahead is split into keys, a
 * paste never reaches it, and a key goes either to the menu on screen or to the update, never to both. What it does
 * with them comes back as the same actions the update takes for those keys (modal.ts `menuEvent`).
 */
import type {Key} from 'ink';
import SelectInput from 'ink-select-input';
import {createContext, type FC, useCallback, useContext, useMemo} from 'react';
import {type Command, type KeyPress, matchCommand, menuCommands} from './keymap.js';
import type {ChoiceModal, MenuEvent, Modal} from './modal.js';
import {truncate} from './text.js';

type Handler = (input: string, key: Key) => void;

/** The commands ink-select-input's handler carries out itself; the menu's other keys (Esc) go to the update. */
export const menuComponentCommands: ReadonlySet<Command> = new Set(['up', 'down', 'pick', 'submit']);

export function isMenuComponentKey(press: KeyPress): boolean {
	const command = matchCommand(press, menuCommands, 'menu');
	return command !== undefined && menuComponentCommands.has(command);
}

/** Ink's key shape for a decoded press (what ink-select-input's handler reads). */
export function inkKey(press: KeyPress): Key {
	return {
		upArrow: Boolean(press.upArrow),
		downArrow: Boolean(press.downArrow),
		leftArrow: Boolean(press.leftArrow),
		rightArrow: Boolean(press.rightArrow),
		pageDown: Boolean(press.pageDown),
		pageUp: Boolean(press.pageUp),
		home: Boolean(press.home),
		end: Boolean(press.end),
		return: Boolean(press.return),
		escape: Boolean(press.escape),
		ctrl: Boolean(press.ctrl),
		shift: Boolean(press.shift),
		tab: Boolean(press.tab),
		backspace: Boolean(press.backspace),
		delete: Boolean(press.delete),
		meta: Boolean(press.meta),
		super: false,
		hyper: false,
		capsLock: false,
		numLock: false,
	};
}

/**
 * Which menu is listening. A menu is known by its purpose (kept while its highlight moves, new for every menu
 * opened), so a key never reaches a menu that the update has already closed or replaced but React still shows.
 */
export class MenuKeys {
	private listening: {purpose: object; handler: Handler} | undefined;

	listen(purpose: object, handler: Handler): () => void {
		const entry = {purpose, handler};
		this.listening = entry;
		return () => {
			if (this.listening === entry) this.listening = undefined;
		};
	}

	/** Hands `press` to the menu on screen if it is the open modal's and the key is one it handles; false: not taken. */
	deliver(modal: Modal | undefined, press: KeyPress): boolean {
		if (modal?.kind !== 'choice' || !modal.menu || this.listening?.purpose !== modal.purpose || !isMenuComponentKey(press)) return false;
		this.listening.handler(press.input, inkKey(press));
		return true;
	}
}

export type MenuWiring = {keys: MenuKeys; report: (event: MenuEvent) => void};

/** Provided by the explorer (app.tsx); without it (a view rendered alone) the menu draws but takes no keys. */
export const MenuContext = createContext<MenuWiring | undefined>(undefined);

export type MenuLineProps = {text: string; inverse?: boolean; dim?: boolean};

type Item = {key: string; label: string; value: number};

/** One menu: ink-select-input with our lines (`Line` sanitises, as every line on screen is). */
export function ShortMenu({modal, visible, width, Line}: {modal: ChoiceModal; visible: number; width: number; Line: FC<MenuLineProps>}) {
	const wiring = useContext(MenuContext);
	const items = useMemo<Item[]>(
		() =>
			modal.options.map((option, index) => {
				const label = `${index < 9 ? `${index + 1} ` : '  '}${option.cells[0] ?? ''}${option.cells[1] ? `  (${option.cells[1]})` : ''}`;
				return {key: option.key, label: truncate(label, Math.max(1, width - 2)), value: index};
			}),
		[modal.options, width],
	);
	const purpose = modal.purpose;
	const subscribe = useCallback((handler: Handler) => wiring?.keys.listen(purpose, handler) ?? (() => {}), [wiring, purpose]);
	const report = wiring?.report;
	const onHighlight = useCallback((item: {value: number}) => report?.({type: 'menuHighlight', index: item.value}), [report]);
	const onSelect = useCallback((item: {value: number}) => report?.({type: 'menuPick', index: item.value}), [report]);
	return (
		<LineContext.Provider value={Line}>
			<SelectInput
			items={items}
			initialIndex={modal.list.cursor}
			limit={visible < items.length ? visible : undefined}
			isFocused={wiring !== undefined}
			subscribe={subscribe}
			indicatorComponent={NoIndicator}
			itemComponent={ItemLine}
			onHighlight={onHighlight}
			onSelect={onSelect}
			/>
		</LineContext.Provider>
	);
}

const LineContext = createContext<FC<MenuLineProps>>(() => null);

/** An item as a line of the screen: the cursor mark is part of it (›, inverse), as on every list. */
function ItemLine({isSelected = false, label}: {isSelected?: boolean; label: string}) {
	const Line = useContext(LineContext);
	return <Line text={`${isSelected ? '›' : ' '} ${label}`} inverse={isSelected} />;
}

/** The cursor mark is drawn by ItemLine. */
function NoIndicator() {
	return null;
}

const menuIds = new WeakMap<object, number>();
let nextMenuId = 0;

/** A React key per menu opened: a new menu starts at its own highlighted item (ink-select-input's initialIndex). */
export function menuInstanceKey(modal: ChoiceModal): string {
	let id = menuIds.get(modal.purpose);
	if (id === undefined) {
		id = nextMenuId++;
		menuIds.set(modal.purpose, id);
	}
	return `menu-${id}`;
}
