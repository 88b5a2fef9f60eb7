/**
 * The fault matrix: which request each operation makes, which faults are injected into it, and what a user
 * must see for each pair. The matrix test runs every cell against a fresh demo tenant and asserts these
 * expectations; with PVX_RELIABILITY_RESULTS set it also records what it observed, from which
 * scripts/reliability-report.js writes docs/reliability.md.
 */
import type {FaultRule} from '../../source/simulator/index.js';

export type FaultId = '429' | '503' | '504' | 'reset' | 'hang' | 'malformed' | 'truncated' | '401-expired' | '401-again' | '403' | '404';

export type OperationId =
	| 'list-apps'
	| 'list-jobs'
	| 'get-schema'
	| 'parse-expression'
	| 'put-schema'
	| 'put-schema-applied'
	| 'provision-on-demand'
	| 'job-restart'
	| 'job-start-quarantined'
	| 'provisioning-logs'
	| 'sign-in';

export type Fault = {id: FaultId; title: string; rule: Omit<FaultRule, 'method' | 'path'>; explains: string};

/** Graph's own answer to an expired access token. */
const expiredTokenBody = JSON.stringify({
	error: {code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.', innerError: {date: '2026-01-01T00:00:00'}},
});

export const faults: readonly Fault[] = [
	{id: '429', title: '429 + Retry-After', rule: {status: 429, retryAfter: 1, times: 1}, explains: 'one HTTP 429 with `Retry-After: 1`'},
	{id: '503', title: '503', rule: {status: 503, times: 1}, explains: 'one HTTP 503 (no Retry-After)'},
	{id: '504', title: '504', rule: {status: 504, times: 1}, explains: 'one HTTP 504 (no Retry-After)'},
	{id: 'reset', title: 'connection reset', rule: {drop: 'reset', times: 1}, explains: 'the TCP connection is reset (RST) instead of an answer'},
	{id: 'hang', title: 'no answer', rule: {drop: 'hang', times: 1}, explains: 'no answer at all; the client gives up after its timeout'},
	{id: 'malformed', title: 'malformed JSON', rule: {status: 200, body: '{"value": [{"id": ', times: 1}, explains: 'HTTP 200 whose body is cut-off JSON'},
	{id: 'truncated', title: 'truncated body', rule: {drop: 'truncate', times: 1}, explains: 'the real answer, cut off halfway (Content-Length promises more)'},
	{id: '401-expired', title: '401 expired token', rule: {status: 401, body: expiredTokenBody, times: 1}, explains: 'one HTTP 401 "Access token has expired"'},
	{id: '401-again', title: '401 after refresh', rule: {status: 401, body: expiredTokenBody, times: 2}, explains: 'HTTP 401 again after the token was refreshed'},
	{id: '403', title: '403', rule: {status: 403, times: 1}, explains: 'HTTP 403 (Authorization_RequestDenied)'},
	{id: '404', title: '404', rule: {status: 404, times: 1}, explains: 'HTTP 404 (Request_ResourceNotFound)'},
];

/** What a user must see for one cell. */
export type Expected = {
	exitCode: number;
	/** Requests of the operation the tenant saw, retries included. */
	attempts: number;
	/** The line announcing a wait and a retry. */
	notice?: RegExp;
	/** The one-line cause (on failure), or a line that must be printed (on success). */
	message?: RegExp;
	/** Writes: schema PUTs sent, and what the tenant holds afterwards. */
	puts?: number;
	live?: 'unchanged' | 'as-sent';
};

export type Operation = {
	id: OperationId;
	title: string;
	/** The request the faults are injected into. */
	request: {method: string; path: RegExp; shown: string};
	/** How the cell is run, for the report. */
	command: string;
	/** The fault rules answer after Graph has handled the request (a PUT then has taken effect). */
	afterHandling?: boolean;
	/** A line printed on success, recorded as the outcome. */
	successLine?: RegExp;
	/** Faults that cannot happen to this operation, with the reason. */
	notApplicable?: Partial<Record<FaultId, string>>;
	/** Cells that are a scenario rather than an injected rule. */
	scenarios?: Partial<Record<FaultId, string>>;
	expected: Partial<Record<FaultId, Expected>>;
};

const retried = (notice: RegExp, attempts = 2): Expected => ({exitCode: 0, attempts, notice});
const throttled = /^Graph is throttling \(HTTP 429\); retrying in 1 s…$/;
const answered = (status: number) => new RegExp(`^Graph answered HTTP ${status}; retrying in 1 s…$`);
const networkError = (code: string) => new RegExp(`^network error \\(${code}\\); retrying in 1 s…$`);
const cutOff = /^the answer was cut off \(ECONNRESET\); retrying in 1 s…$/;
const refreshed: Expected = {exitCode: 0, attempts: 2};
const signInAgain = /failed: 401 \(InvalidAuthenticationToken\): Access token has expired or is not yet valid\. Sign in again/;

/** The faults every Graph GET gets the same answer to: retried once, then OK. */
const readRetries = {
	'429': retried(throttled),
	'503': retried(answered(503)),
	'504': retried(answered(504)),
	reset: retried(networkError('ECONNRESET')),
	hang: retried(networkError('ETIMEDOUT')),
	truncated: retried(cutOff),
	'401-expired': refreshed,
} satisfies Partial<Record<FaultId, Expected>>;

const notJson = (method: string, path: string) =>
	new RegExp(`^Graph ${method} ${path} answered HTTP 200 with a body that is not valid JSON \\(Unexpected end of JSON input\\)\\. Check the network or proxy and try again\\. \\[request-id [\\da-f-]{36}, client-request-id [\\da-f-]{36}, date [^\\]]+\\]$`);
const readPermission = /This needs the Synchronization\.Read\.All \(or Synchronization\.ReadWrite\.All\) permission.*Ask an admin, then sign in again\./;
/** parseExpression, functions and filterOperators document only Synchronization.ReadWrite.All. */
const expressionCheckPermission = /This needs the Synchronization\.ReadWrite\.All permission.*Ask an admin, then sign in again\./;
const jobNotFound = /failed: 404 \(Request_ResourceNotFound\).*Job AD2AADProvisioning\.\S+ of service principal \S+ was not found: it may have been deleted; reload the list\./;

/** The PUT failed, the read-back found the schema unchanged. */
const notApplied = (cause: string, next = 'fix the cause, then write again') =>
	new RegExp(`^The write failed \\(${cause}.*\\)\\. Reading the schema back shows it unchanged, so nothing was applied; the live schema is backed up at \\S+\\. Nothing was retried: ${next}\\.$`);
/** The PUT failed, the read-back found exactly what was sent. */
const appliedAnyway = (cause: string) =>
	new RegExp(`^Graph reported a failure \\(${cause}.*\\), but the schema read back is exactly what was sent, so the write was applied\\. The previous schema is backed up at \\S+\\.$`);
/** A change whose answer was lost: said to be possibly applied, with what to check. */
const mayBeApplied = (cause: string, what: string) => new RegExp(`^${cause}.*The ${what}.* may have been applied anyway: check .* before sending it again\\.$`);
const written = /^✓ Written and verified: the schema read back from Graph equals what was sent/;

export const operations: readonly Operation[] = [
	{
		id: 'list-apps',
		title: 'list apps',
		request: {method: 'GET', path: /^\/beta\/servicePrincipals$/, shown: 'GET /servicePrincipals'},
		command: 'apps',
		successLine: /^NAME\s+STATUS/,
		expected: {
			...readRetries,
			malformed: {exitCode: 2, attempts: 1, message: notJson('GET', '/servicePrincipals')},
			'401-again': {exitCode: 2, attempts: 2, message: signInAgain},
			'403': {exitCode: 2, attempts: 1, message: /failed: 403 \(Authorization_RequestDenied\).*This needs the Application\.Read\.All permission/},
			'404': {exitCode: 2, attempts: 1, message: /^Graph GET \/servicePrincipals failed: 404 \(Request_ResourceNotFound\)/},
		},
	},
	{
		id: 'list-jobs',
		title: 'list jobs',
		request: {method: 'GET', path: /\/synchronization\/jobs$/, shown: 'GET /servicePrincipals/{id}/synchronization/jobs'},
		command: 'jobs --sp contoso.com',
		successLine: /^TEMPLATE\s+STATUS|^TEMPLATE/,
		expected: {
			...readRetries,
			malformed: {exitCode: 2, attempts: 1, message: notJson('GET', '/servicePrincipals/\\{id\\}/synchronization/jobs')},
			'401-again': {exitCode: 2, attempts: 2, message: signInAgain},
			'403': {exitCode: 2, attempts: 1, message: readPermission},
			// Graph may answer 404 for an app without provisioning (research notes §"jobs"): that is what the tool assumes.
			'404': {exitCode: 0, attempts: 1, message: /^contoso\.com has no provisioning jobs\.$/},
		},
	},
	{
		id: 'get-schema',
		title: 'get schema',
		request: {method: 'GET', path: /\/schema$/, shown: 'GET …/jobs/{id}/schema'},
		command: 'export --sp contoso.com --job AD2AADProvisioning --out FILE',
		successLine: /^Saved the AD2AADProvisioning schema of contoso\.com to /,
		expected: {
			...readRetries,
			// The bytes are kept as Graph sent them, so they are checked as a schema before the file is written.
			malformed: {exitCode: 2, attempts: 1, message: /^the schema Graph returned: not valid JSON at line 1, column \d+: .*\(nothing was written; try again\)$/},
			'401-again': {exitCode: 2, attempts: 2, message: signInAgain},
			'403': {exitCode: 2, attempts: 1, message: readPermission},
			'404': {exitCode: 2, attempts: 1, message: jobNotFound},
		},
	},
	{
		id: 'parse-expression',
		title: 'parseExpression',
		request: {method: 'POST', path: /\/schema\/parseExpression$/, shown: 'POST …/schema/parseExpression'},
		command: 'import --sp contoso.com --job AD2AADProvisioning --in FILE --dry-run (one new expression)',
		successLine: /^Checks: no problems found \(1 new expression checked by Graph's parser\)\.$/,
		expected: {
			// parseExpression changes nothing, so it is retried like a GET.
			...readRetries,
			malformed: {exitCode: 2, attempts: 1, message: notJson('POST', '/servicePrincipals/\\{id\\}/synchronization/jobs/\\{id\\}/schema/parseExpression')},
			'401-again': {exitCode: 2, attempts: 2, message: signInAgain},
			'403': {exitCode: 2, attempts: 1, message: expressionCheckPermission},
			'404': {exitCode: 2, attempts: 1, message: jobNotFound},
		},
	},
	{
		id: 'put-schema',
		title: 'put schema',
		request: {method: 'PUT', path: /\/schema$/, shown: 'PUT …/jobs/{id}/schema'},
		command: 'import --sp contoso.com --job AD2AADProvisioning --in FILE --yes',
		successLine: written,
		notApplicable: {
			malformed: 'a body comes back only once Graph has handled the PUT: see the next row',
			truncated: 'a body comes back only once Graph has handled the PUT: see the next row',
		},
		expected: {
			// Graph does not process a throttled request: the one case where the PUT is sent again.
			'429': {exitCode: 0, attempts: 2, notice: throttled, puts: 2, live: 'as-sent', message: written},
			'503': {exitCode: 2, attempts: 1, puts: 1, live: 'unchanged', message: notApplied('Graph PUT \\S+ failed: 503')},
			'504': {exitCode: 2, attempts: 1, puts: 1, live: 'unchanged', message: notApplied('Graph PUT \\S+ failed: 504')},
			reset: {exitCode: 2, attempts: 1, puts: 1, live: 'unchanged', message: notApplied('Graph PUT \\S+ ECONNRESET', 'reload in a minute to make sure it did not land late, then write again')},
			hang: {exitCode: 2, attempts: 1, puts: 1, live: 'unchanged', message: notApplied('Graph PUT \\S+ timed out', 'reload in a minute to make sure it did not land late, then write again')},
			// A 401 is refused before anything is applied: the PUT goes once more with the refreshed token.
			'401-expired': {exitCode: 0, attempts: 2, puts: 2, live: 'as-sent', message: written},
			'401-again': {exitCode: 2, attempts: 2, puts: 2, live: 'unchanged', message: notApplied('Graph PUT \\S+ failed: 401')},
			'403': {exitCode: 2, attempts: 1, puts: 1, live: 'unchanged', message: notApplied('Graph PUT \\S+ failed: 403 \\(Authorization_RequestDenied\\).*Synchronization\\.ReadWrite\\.All')},
			'404': {exitCode: 2, attempts: 1, puts: 1, live: 'unchanged', message: notApplied('Graph PUT \\S+ failed: 404')},
		},
	},
	{
		id: 'put-schema-applied',
		title: 'put schema, answer lost after Graph applied it',
		request: {method: 'PUT', path: /\/schema$/, shown: 'PUT …/jobs/{id}/schema'},
		command: 'import --sp contoso.com --job AD2AADProvisioning --in FILE --yes',
		afterHandling: true,
		successLine: written,
		notApplicable: {
			'429': 'Graph applies nothing it throttles',
			'401-expired': 'Graph applies nothing it does not authenticate',
			'401-again': 'Graph applies nothing it does not authenticate',
			'403': 'Graph applies nothing it refuses',
			'404': 'Graph applies nothing it cannot find',
		},
		expected: {
			'503': {exitCode: 2, attempts: 1, puts: 1, live: 'as-sent', message: appliedAnyway('Graph PUT \\S+ failed: 503')},
			'504': {exitCode: 2, attempts: 1, puts: 1, live: 'as-sent', message: appliedAnyway('Graph PUT \\S+ failed: 504')},
			reset: {exitCode: 2, attempts: 1, puts: 1, live: 'as-sent', message: appliedAnyway('Graph PUT \\S+ ECONNRESET')},
			hang: {exitCode: 2, attempts: 1, puts: 1, live: 'as-sent', message: appliedAnyway('Graph PUT \\S+ timed out')},
			// Graph answers a PUT with 204 and no body: a garbled body is not read, and the read-back verifies.
			malformed: {exitCode: 0, attempts: 1, puts: 1, live: 'as-sent', message: written},
			truncated: {exitCode: 2, attempts: 1, puts: 1, live: 'as-sent', message: appliedAnyway('Graph PUT \\S+ ECONNRESET')},
		},
	},
	{
		id: 'provision-on-demand',
		title: 'provision on demand',
		request: {method: 'POST', path: /\/provisionOnDemand$/, shown: 'POST …/jobs/{id}/provisionOnDemand'},
		command: 'provision --sp "Contoso SCIM App" --subject OBJECT-ID (a user not yet in the app: Create)',
		successLine: /Success for LynneR@contoso\.com: action Create in customappsso\.$/,
		expected: {
			// Graph processes nothing it throttles (documented limit: 5 per 10 s): the one case where it is sent again.
			'429': {exitCode: 0, attempts: 2, notice: throttled},
			// It writes to the target: an answer lost on the way may hide a change that happened, so it is not repeated.
			'503': {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ failed: 503', 'provisioning of')},
			'504': {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ failed: 504', 'provisioning of')},
			reset: {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ ECONNRESET', 'provisioning of')},
			hang: {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ timed out', 'provisioning of')},
			malformed: {exitCode: 2, attempts: 1, message: /^Graph POST \/servicePrincipals\/\{id\}\/synchronization\/jobs\/\{id\}\/provisionOnDemand answered HTTP 200 with a body that is not valid JSON/},
			truncated: {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ ', 'provisioning of')},
			'401-expired': refreshed,
			'401-again': {exitCode: 2, attempts: 2, message: signInAgain},
			'403': {exitCode: 2, attempts: 1, message: /failed: 403 \(Authorization_RequestDenied\).*This needs the Synchronization\.ReadWrite\.All permission/},
			'404': {exitCode: 2, attempts: 1, message: /failed: 404 \(Request_ResourceNotFound\).*Job customappssoOutDelta\.\S+ of service principal \S+ was not found/},
		},
	},
	{
		id: 'job-restart',
		title: 'restart job',
		request: {method: 'POST', path: /\/restart$/, shown: 'POST …/jobs/{id}/restart'},
		command: 'job restart --sp contoso.com --job AD2AADProvisioning --yes',
		successLine: /^Status: +Active$/,
		expected: {
			'429': {exitCode: 0, attempts: 2, notice: throttled},
			'503': {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ failed: 503', 'restart')},
			'504': {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ failed: 504', 'restart')},
			reset: {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ ECONNRESET', 'restart')},
			hang: {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ timed out', 'restart')},
			// Graph answers restart with 204 and no body: a garbled body is not read.
			malformed: {exitCode: 0, attempts: 1, message: /^Status: +Active$/},
			truncated: {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ ', 'restart')},
			'401-expired': refreshed,
			'401-again': {exitCode: 2, attempts: 2, message: signInAgain},
			'403': {exitCode: 2, attempts: 1, message: /failed: 403 \(Authorization_RequestDenied\).*This needs the Synchronization\.ReadWrite\.All permission/},
			'404': {exitCode: 2, attempts: 1, message: jobNotFound},
		},
	},
	{
		id: 'job-start-quarantined',
		title: 'start a quarantined job',
		request: {method: 'POST', path: /\/start$/, shown: 'POST …/jobs/{id}/start'},
		command: 'job start --sp Salesforce (in quarantine: start lifts it)',
		successLine: /^Status: +Active$/,
		expected: {
			'429': {exitCode: 0, attempts: 2, notice: throttled},
			'503': {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ failed: 503', 'start')},
			'504': {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ failed: 504', 'start')},
			reset: {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ ECONNRESET', 'start')},
			hang: {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ timed out', 'start')},
			// A 200 that Graph did not act on (the demo's fault answers before the route runs): the status read
			// afterwards still shows the quarantine, and the command says so instead of claiming success.
			malformed: {exitCode: 0, attempts: 1, message: /^The job still shows status Quarantine after the start: check again in a moment with /},
			truncated: {exitCode: 2, attempts: 1, message: mayBeApplied('Graph POST \\S+ ', 'start')},
			'401-expired': refreshed,
			'401-again': {exitCode: 2, attempts: 2, message: signInAgain},
			'403': {exitCode: 2, attempts: 1, message: /failed: 403 \(Authorization_RequestDenied\).*This needs the Synchronization\.ReadWrite\.All permission/},
			'404': {exitCode: 2, attempts: 1, message: /failed: 404 \(Request_ResourceNotFound\).*Job SfOutDelta\.\S+ of service principal \S+ was not found/},
		},
	},
	{
		id: 'provisioning-logs',
		title: 'provisioning logs',
		request: {method: 'GET', path: /^\/beta\/auditLogs\/provisioning$/, shown: 'GET /auditLogs/provisioning'},
		command: 'logs --sp contoso.com --job AD2AADProvisioning',
		successLine: /^TIME \(UTC\)\s+STATUS/,
		expected: {
			...readRetries,
			malformed: {exitCode: 2, attempts: 1, message: notJson('GET', '/auditLogs/provisioning')},
			'401-again': {exitCode: 2, attempts: 2, message: signInAgain},
			// Graph's 403 does not say whether the permissions or the licence are missing: both are named.
			'403': {exitCode: 2, attempts: 1, message: /^Not allowed to read provisioning logs\. .*AuditLog\.Read\.All and Directory\.Read\.All .*Microsoft Entra ID P1 or P2/},
			'404': {exitCode: 2, attempts: 1, message: /^Graph GET \/auditLogs\/provisioning failed: 404 \(Request_ResourceNotFound\)/},
		},
	},
	{
		id: 'sign-in',
		title: 'sign-in (token endpoint)',
		request: {method: 'POST', path: /\/oauth2\/v2\.0\/token$/, shown: 'POST /{tenant}/oauth2/v2.0/token'},
		command: 'login (device code)',
		successLine: /^Signed in as admin@contoso\.com /,
		scenarios: {
			'401-expired':
				'`login --token-cache FILE`, then the saved refresh token expires (access tokens of 60 s, refresh tokens revoked) and `apps --token-cache FILE` runs',
			'401-again': '`login --token-cache FILE`, then Graph rejects the access token (HTTP 401) and the refresh token is revoked; `apps --token-cache FILE` runs',
		},
		expected: {
			// Throttled or unavailable: the same request is sent again after Retry-After (1 s without one), silently.
			'429': {exitCode: 0, attempts: 2},
			'503': {exitCode: 0, attempts: 2},
			'504': {exitCode: 0, attempts: 2},
			reset: {exitCode: 2, attempts: 1, message: /^Could not reach the sign-in service\. Check the network, HTTPS_PROXY and NO_PROXY, then try again\.$/},
			hang: {exitCode: 2, attempts: 1, message: /^Could not reach the sign-in service\. Check the network, HTTPS_PROXY and NO_PROXY, then try again\.$/},
			malformed: {exitCode: 2, attempts: 1, message: /^Sign-in failed: the sign-in service answered HTTP 200 with a body that is not JSON \(a proxy may be in the way: check HTTPS_PROXY and NO_PROXY\)\.$/},
			truncated: {exitCode: 2, attempts: 1, message: /^Could not reach the sign-in service\. Check the network, HTTPS_PROXY and NO_PROXY, then try again\.$/},
			// Attempts: the refused refresh, then the new device-code sign-in.
			'401-expired': {exitCode: 0, attempts: 2, message: /^The saved sign-in for admin@contoso\.com was revoked or has expired, so sign in again\.$/},
			'401-again': {exitCode: 2, attempts: 1, message: /^Your sign-in was revoked or has expired\. Sign in again \(`provisioning-explorer login`, or :login in the explorer\)\.$/},
			'403': {exitCode: 2, attempts: 1, message: /^Sign-in was refused \(AADSTS50105\)\./},
			'404': {exitCode: 2, attempts: 1, message: /^The tenant was not found \(AADSTS90002\)\. Check --tenant and --cloud\.$/},
		},
	},
];

/** What one run of a cell showed. */
export type Observation = {
	surface: 'command' | 'explorer';
	operation: OperationId;
	fault: FaultId;
	/** The command line or the keys, with the temporary paths left out. */
	run: string;
	exitCode: number | null;
	/** The one-line cause on failure, else the success line; temporary paths and request ids replaced. */
	message: string | null;
	/** "…; retrying in N s…" lines. */
	notices: string[];
	/** Requests of the operation the tenant saw, and the status of each (0: no answer). */
	attempts: number;
	statuses: number[];
	puts: number;
	/** Refresh-token grants at the sign-in service during the run. */
	refreshes: number;
	backups: number;
	live?: 'unchanged' | 'as-sent' | 'other';
	stackTrace: boolean;
};

/** Paths, request ids and backup names differ on every run: replace them so results can be compared. */
export function normalizeMessage(text: string, temporaryRoots: readonly string[]): string {
	let result = text;
	for (const root of temporaryRoots) result = result.split(root).join('<tmp>');
	return result
		.replace(/\[request-id [0-9a-f-]+\]/g, '[request-id …]')
		.replace(/<tmp>\/state\/backups\/\S+?\.schema\.json/g, '<backup>')
		// The explorer wraps a long path wherever the line ends: one space may be inside it.
		.replace(/<tmp>\/[\w.-]+(?: [\w.-]+)?\.json/g, '<backup>');
}
