package store

import (
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// JobAcknowledgeDeadline is the job that checks, when a case's
// acknowledgement deadline passes, whether it was met.
const JobAcknowledgeDeadline = "acknowledge_deadline"

// isUniqueViolation reports whether err is a unique-constraint violation on
// either engine.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	// modernc.org/sqlite reports SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY in its message.
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "constraint failed: PRIMARY KEY")
}

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
