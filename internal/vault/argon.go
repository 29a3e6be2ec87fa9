package vault

// Argon2id parameters for receipt lookup hashes and new password hashes:
// the OWASP minimum recommendation (19 MiB, 2 passes, 1 lane), ~25 ms each.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
)
