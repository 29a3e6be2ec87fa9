package demo

import "context"

// seedWorkplan adds the workplan sample data.
func seedWorkplan(ctx context.Context, d Deps, caseIDs []int64) error { return nil }
