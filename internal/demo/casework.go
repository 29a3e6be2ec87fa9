package demo

import "context"

// seedCasework adds the casework sample data.
func seedCasework(ctx context.Context, d Deps, caseIDs []int64) error { return nil }
