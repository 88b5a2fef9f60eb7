/**
 * V8's memory-saving mode for big schemas (issue 14). A 20 MB schema holds ~45 MiB of live heap, but with V8's
 * default heap growth a session of browsing, filtering and editing it reached 240–330 MiB of RSS, most of it garbage
 * not yet collected. With `--optimize-for-size` V8 grows the heap by smaller steps and keeps the young generation
 * small, and the same session peaks at 150–175 MiB (the target for a 20 MB file is 4 × file + 100 MiB ≈ 182 MiB).
 * The price is CPU: 1.35–1.9× the explorer's CPU time over that session, more frequent collections of the garbage
 * keys and edits leave (figures, and the directions tried and not kept: bench/RESULTS.md, Memory).
 *
 * Set at run time, when the first big schema is parsed, rather than on the command line: a command-line flag would
 * need a second Node process (its own RSS and start-up) or a shebang Windows ignores, and small schemas, the usual
 * case, keep V8's faster defaults and an untouched start-up. V8 reads this flag in its heap heuristics each time they
 * run, so setting it late takes effect from the next collection on. PROVISIONING_EXPLORER_DEFAULT_HEAP=1 keeps the
 * defaults (faster keys, about twice the memory).
 */
import {setFlagsFromString} from 'node:v8';

/** Schema texts at least this long (UTF-16 code units ≈ bytes for JSON) switch V8 to its memory-saving mode. */
export const largeSchemaTextLength = 4 * 1024 * 1024;

let applied = false;

/** Called with the length of each schema text before it is parsed; switches once, for the rest of the process. */
export function preferSmallHeapFor(textLength: number): boolean {
	if (applied || textLength < largeSchemaTextLength || process.env.PROVISIONING_EXPLORER_DEFAULT_HEAP === '1') return applied;
	applied = true;
	setFlagsFromString('--optimize-for-size');
	return true;
}
