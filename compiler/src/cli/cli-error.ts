// Errors the CLI reports as one line (no stack trace): bad usage, unreadable input, failed checks.
export class CliError extends Error {
    constructor(message: string, readonly exitCode = 1) {
        super(message);
    }
}

/** Exit codes: 0 ok, 1 errors in the input, 2 bad usage, 3 a capability not available. */
export const ExitCode = { Ok: 0, InputErrors: 1, Usage: 2, Unavailable: 3 } as const;
