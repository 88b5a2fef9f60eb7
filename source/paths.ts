/**
 * Where we keep per-user state (token cache, backups): the XDG state directory on Linux and other
 * Unix systems, %LOCALAPPDATA% on Windows. PROVISIONING_EXPLORER_STATE_DIR overrides it (tests, CI).
 */
import {homedir} from 'node:os';
import {join} from 'node:path';

export const appDirectoryName = 'provisioning-explorer';

export function stateDirectory(env: NodeJS.ProcessEnv = process.env): string {
	if (env.PROVISIONING_EXPLORER_STATE_DIR) return env.PROVISIONING_EXPLORER_STATE_DIR;
	if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, appDirectoryName);
	const base = env.XDG_STATE_HOME?.startsWith('/') ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
	return join(base, appDirectoryName);
}

export function backupDirectory(env: NodeJS.ProcessEnv = process.env): string {
	return join(stateDirectory(env), 'backups');
}

export function tokenCachePath(env: NodeJS.ProcessEnv = process.env): string {
	return join(stateDirectory(env), 'token-cache.json');
}

/** Recently opened apps, one small file per tenant (ids and display names only). */
export function recentAppsDirectory(env: NodeJS.ProcessEnv = process.env): string {
	return join(stateDirectory(env), 'recent-apps');
}
