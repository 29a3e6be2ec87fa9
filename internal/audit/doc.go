// Package audit builds and verifies Remedy's tamper-evident audit log: a
// hash chain in which every entry commits to the one before it. It is pure
// (no database); callers store and load entries.
//
// A hash chain is unkeyed: it proves that stored entries were not edited,
// removed, reordered or inserted relative to each other, but someone able
// to rewrite the table could recompute every hash after the point they
// changed, and removing entries from the end leaves a shorter valid chain.
// To catch that, record the head hash (Verifier.Head, or the Hash of the
// latest entry) somewhere the database cannot rewrite it, and compare.
package audit
