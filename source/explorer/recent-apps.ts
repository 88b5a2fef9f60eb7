/**
 * The apps opened recently, per tenant, so the app list can show them first: a small JSON file in the state
 * directory (`recent-apps/<tenant id>.json`, mode 0600, replaced atomically) holding each app's object id, display
 * name and when it was opened — never a token, an account or anything from the schema.
 */
import {lstat, open} from 'node:fs/promises';
import path from 'node:path';
import {slugify} from '../edit/backups.js';
import {writeFileAtomic} from '../fs/atomic-write.js';
import {checkNotSymbolicLink, preparePrivateDirectory} from '../fs/private-state.js';
import {recentAppsDirectory} from '../paths.js';

export type RecentApp = {id: string; displayName: string; openedAt: string};

/** Apps remembered per tenant; older ones drop off. */
export const maxRecentApps = 10;
const maxFileBytes = 64 * 1024;

export function recentAppsFile(tenant: string, directory = recentAppsDirectory()): string {
	return path.join(directory, `${slugify(tenant, 64)}.json`);
}

function isRecentApp(value: unknown): value is RecentApp {
	const entry = value as Partial<RecentApp> | null;
	return typeof entry === 'object' && entry !== null && typeof entry.id === 'string' && typeof entry.displayName === 'string' && typeof entry.openedAt === 'string';
}

/** The tenant's recent apps, most recent first; none when the file is missing or not ours. */
export async function readRecentApps(tenant: string, options: {directory?: string} = {}): Promise<RecentApp[]> {
	const file = recentAppsFile(tenant, options.directory);
	// State is never read through a symbolic link (source/fs/private-state.ts).
	if ((await lstat(file).catch(() => undefined))?.isSymbolicLink()) return [];
	const handle = await open(file, 'r').catch(() => undefined);
	if (!handle) return [];
	try {
		const buffer = Buffer.alloc(maxFileBytes + 1);
		const {bytesRead} = await handle.read(buffer, 0, buffer.length, 0);
		if (bytesRead > maxFileBytes) return [];
		const value = JSON.parse(buffer.subarray(0, bytesRead).toString('utf8')) as {tenant?: unknown; apps?: unknown};
		if (value.tenant !== tenant || !Array.isArray(value.apps)) return [];
		return value.apps.filter(isRecentApp).slice(0, maxRecentApps);
	} catch {
		return [];
	} finally {
		await handle.close();
	}
}

/** Puts `app` first in the tenant's recent apps and saves the file; answers the new list. */
export async function recordRecentApp(
	tenant: string,
	app: {id: string; displayName: string},
	options: {directory?: string; now?: Date} = {},
): Promise<RecentApp[]> {
	const directory = options.directory ?? recentAppsDirectory();
	const previous = await readRecentApps(tenant, {directory});
	const apps = [{id: app.id, displayName: app.displayName, openedAt: (options.now ?? new Date()).toISOString()}, ...previous.filter((entry) => entry.id !== app.id)].slice(
		0,
		maxRecentApps,
	);
	// Like the token cache and backups: every folder the user's own, never a write through a link.
	preparePrivateDirectory(directory);
	checkNotSymbolicLink(recentAppsFile(tenant, directory));
	await writeFileAtomic(recentAppsFile(tenant, directory), `${JSON.stringify({tenant, apps}, null, 2)}\n`, {mode: 0o600});
	return apps;
}

/** `apps` with the recent ones first (most recent first), the others in their order. */
export function recentFirst<T>(apps: readonly T[], recent: readonly RecentApp[], idOf: (app: T) => string): T[] {
	const rank = new Map(recent.map((entry, index) => [entry.id, index]));
	const first = apps.filter((app) => rank.has(idOf(app))).sort((a, b) => rank.get(idOf(a))! - rank.get(idOf(b))!);
	return [...first, ...apps.filter((app) => !rank.has(idOf(app)))];
}
