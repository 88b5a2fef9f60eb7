/**
 * The demo tenant's simulated user for browser sign-in: opens the sign-in page (on the simulator)
 * and submits the form it returns to the app's loopback redirect URI, as a browser would.
 */

export type BrowserForm = {action: string; fields: Record<string, string>};

const unescapeHtml = (text: string) => text.replace(/&#(\d+);/g, (_match, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');

/** The auto-submitting form on the simulator's sign-in page. */
export function parseSignInForm(html: string): BrowserForm | undefined {
	const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1];
	if (action === undefined) return undefined;
	const fields: Record<string, string> = {};
	for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[unescapeHtml(match[1] ?? '')] = unescapeHtml(match[2] ?? '');
	return {action: unescapeHtml(action), fields};
}

/** Opens `signInUrl` (a URL on the simulator) and posts its form to the loopback redirect URI. */
export async function completeDemoBrowserSignIn(signInUrl: string): Promise<void> {
	const page = await fetch(signInUrl);
	const form = parseSignInForm(await page.text());
	if (!page.ok || !form) throw new Error(`The demo sign-in page answered HTTP ${page.status} without a form.`);
	// MSAL's loopback server listens on 127.0.0.1 only; "localhost" might resolve to ::1 first.
	const target = new URL(form.action);
	if (target.hostname === 'localhost') target.hostname = '127.0.0.1';
	const answer = await fetch(target, {
		method: 'POST',
		headers: {'content-type': 'application/x-www-form-urlencoded'},
		body: new URLSearchParams(form.fields).toString(),
	});
	await answer.arrayBuffer();
}
