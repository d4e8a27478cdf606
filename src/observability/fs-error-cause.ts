/**
 * Why a file or directory could not be read or written, in the words every command uses after
 * `<path>: cannot read: ` (parse, backfill, check-config, spool, simulate, the configuration and its
 * secret files) and after `cannot save`, `append failed`: `no such file`, `is a directory`,
 * `permission denied`, `a file where the path needs a directory`, `too many open files`, `no space
 * left on the device`, `read-only file system`. Node's own message (`ENOENT: no such file or
 * directory, open '/x'`) repeats the path the caller already names and differs from command to
 * command in how it is cut down, so the common codes get one wording here; any other error keeps
 * its message, without the system call and path Node adds at its end.
 */
export function fsErrorCause(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const cause = code === undefined ? undefined : CAUSES.get(code);
	if (cause !== undefined) return cause;
	if (!(error instanceof Error)) return String(error);
	// `ELOOP: too many symbolic links encountered, stat '/x'`: the caller names the path already.
	const syscall = (error as NodeJS.ErrnoException).syscall;
	const tail = syscall === undefined ? -1 : error.message.lastIndexOf(`, ${syscall}`);
	return tail > 0 ? error.message.slice(0, tail) : error.message;
}

const CAUSES: ReadonlyMap<string, string> = new Map([
	['ENOENT', 'no such file'],
	['EISDIR', 'is a directory'],
	// EPERM: what Linux says where a mode, an ACL or a mount option forbids it, as EACCES does.
	['EACCES', 'permission denied'],
	['EPERM', 'permission denied'],
	// `a/b` where `a` is a file, or a directory listing asked of a file: Node says "not a directory".
	['ENOTDIR', 'a file where the path needs a directory'],
	// EMFILE is this process' limit (ulimit -n), ENFILE the system's: both end the same way for a user.
	['EMFILE', 'too many open files'],
	['ENFILE', 'too many open files'],
	// Writes (the spool, the raw archive, --save-raw).
	['ENOSPC', 'no space left on the device'],
	['EROFS', 'read-only file system'],
]);
