// proxy-from-env 2.x ships no types; this is its one export.
declare module 'proxy-from-env' {
	/** The proxy URL for `url` from *_PROXY and NO_PROXY in process.env, or '' to connect directly. */
	export function getProxyForUrl(url: string | URL): string;
}
