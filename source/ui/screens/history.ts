/** A job's versions (issue 13): backups with who/when/version/what changed, and exports of --history-dir. */
import type {HistoryVersion} from '../../history/versions.js';
import {memo, row} from '../rows.js';
import type {HistoryFrame} from '../state.js';
import {compareSelected, markVersion, restoreVersion} from '../history.js';
import {navigation, type ScreenKind, takeContext} from './types.js';

function versionRow(version: HistoryVersion, index: number) {
	const when = version.at.toISOString().slice(0, 16).replace('T', ' ');
	const kind = version.kind === 'backup' ? 'backup' : version.kind === 'commit' ? 'commit' : 'export';
	const outcome = version.result && version.result !== 'written' ? ` [${version.result}]` : '';
	return row(version.ref, index, [version.ref, when, kind, version.who ?? '', version.schemaVersion ?? '', `${version.what}${outcome}`]);
}

export const historyScreen: ScreenKind<HistoryFrame> = {
	title: (frame) => {
		const count = frame.listing?.versions.length ?? 0;
		const marked = frame.marked === undefined ? '' : `  · version ${frame.marked} marked`;
		return frame.status === 'ready' ? `History of this job: ${count} version${count === 1 ? '' : 's'}, newest first${marked}` : 'History of this job';
	},
	crumb: () => 'history',
	commands: (frame) => (frame.status === 'ready' && (frame.listing?.versions.length ?? 0) > 0 ? [...navigation, 'open', 'filter', 'markVersion', 'restoreVersion'] : []),
	columns: () => [
		{title: '#', weight: 0, min: 3, max: 4},
		{title: 'When (UTC)', weight: 0, min: 16, max: 16},
		{title: 'Kind', weight: 0, min: 6, max: 6},
		// Who and what changed matter most; the schema's version string is long and only tells versions apart.
		{title: 'Who', weight: 2, min: 12, max: 30, cut: 'middle'},
		{title: 'Version', weight: 0, min: 8, max: 12, cut: 'middle'},
		{title: 'Change', weight: 5, min: 16},
	],
	rows: (frame) => memo(frame.kind, frame.listing, () => (frame.listing?.versions ?? []).map(versionRow)),
	placeholder(frame) {
		if ((frame.listing?.versions.length ?? 0) > 0) return undefined;
		const text = frame.status === 'error' ? (frame.error ?? 'No history.') : frame.status === 'loading' ? 'Looking for versions…' : 'No versions of this job yet: a backup is saved before every write (--history-dir adds exports).';
		return {text, tone: 'dim'};
	},
	loadStatus: (frame) => frame.status,
	withContext: takeContext,
	// Enter compares the selected version with the marked one (or with live).
	enter: (state, frame) => compareSelected(state, frame),
	command: (state, frame, command) => (command === 'markVersion' ? markVersion(state, frame) : command === 'restoreVersion' ? restoreVersion(state, frame) : undefined),
};
