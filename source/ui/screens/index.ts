/** The one registry of screen kinds, and the dispatch from a frame to its kind. */
import {filterRows, type Row} from '../list.js';
import type {Frame, NodeFrame} from '../state.js';
import type {ColumnSpec} from '../text.js';
import {appsScreen} from './apps.js';
import {attributeScreen} from './attribute.js';
import {attributeMappingScreen} from './attribute-mapping.js';
import {backupsScreen} from './backups.js';
import {changesScreen} from './changes.js';
import {compareScreen} from './compare.js';
import {directoryScreen} from './directory.js';
import {jobScreen} from './job.js';
import {expressionTestScreen} from './expression-test.js';
import {historyScreen} from './history.js';
import {jobsScreen} from './jobs.js';
import {logEventScreen, logsScreen} from './logs.js';
import {objectScreen} from './object.js';
import {objectMappingScreen} from './object-mapping.js';
import {planScreen} from './plan.js';
import {provisionScreen} from './provision.js';
import {ruleScreen} from './rule.js';
import {schemaScreen} from './schema.js';
import {scopeScreen} from './scope.js';
import {signInScreen} from './sign-in.js';
import type {EditTarget, ScreenKind, ScreenRegistry} from './types.js';

export const screens: ScreenRegistry = {
	signIn: signInScreen,
	apps: appsScreen,
	jobs: jobsScreen,
	schema: schemaScreen,
	rule: ruleScreen,
	objectMapping: objectMappingScreen,
	attributeMapping: attributeMappingScreen,
	directory: directoryScreen,
	object: objectScreen,
	attribute: attributeScreen,
	scope: scopeScreen,
	changes: changesScreen,
	backups: backupsScreen,
	plan: planScreen,
	job: jobScreen,
	provision: provisionScreen,
	logs: logsScreen,
	logEvent: logEventScreen,
	expressionTest: expressionTestScreen,
	history: historyScreen,
	compare: compareScreen,
};

/**
 * The kind of a frame. The registry is keyed by `frame.kind`, so the entry always matches the frame's type; the
 * cast is the one place TypeScript cannot follow that (it does not correlate a union's key with its entry).
 */
export function screenOf<F extends Frame>(frame: F): ScreenKind<F> {
	return screens[frame.kind] as unknown as ScreenKind<F>;
}

export function frameTitle(frame: Frame): string {
	return screenOf(frame).title(frame);
}

export function crumb(frame: Frame, sourceLabel: string): string | undefined {
	return screenOf(frame).crumb(frame, sourceLabel);
}

export function frameColumns(frame: Frame): ColumnSpec[] {
	return screenOf(frame).columns?.(frame) ?? [{title: 'Field', weight: 0, min: 20, max: 20}, {title: 'Value', weight: 1, min: 10}];
}

export function frameRows(frame: Frame): readonly Row[] {
	return screenOf(frame).rows?.(frame) ?? [];
}

export function openRow(frame: Frame, index: number): Omit<NodeFrame, 'id' | 'list'> | undefined {
	return screenOf(frame).open?.(frame, index);
}

/** Screens whose body is text to scroll rather than rows to pick. */
export function isTextFrame(frame: Frame): boolean {
	return screenOf(frame).text !== undefined;
}

export function textLines(frame: Frame, columns: number): readonly string[] {
	return screenOf(frame).text?.(frame, columns) ?? [];
}

/** The index (in the unfiltered rows) of the row under the cursor, if any. */
export function selectedIndex(frame: Frame): number | undefined {
	return filterRows(frameRows(frame), frame.list.filter)[frame.list.cursor]?.index;
}

/** What the edit keys act on, on this screen with its selected row. */
export function editTarget(frame: Frame): EditTarget {
	return screenOf(frame).editTarget?.(frame, selectedIndex(frame)) ?? {};
}

/** Whether the screen is waiting for its data (keys typed now are kept for it). */
export function isLoading(frame: Frame): boolean {
	return screenOf(frame).loadStatus?.(frame) === 'loading';
}
