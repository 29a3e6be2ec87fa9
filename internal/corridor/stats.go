package corridor

import (
	"context"
	"slices"
	"strconv"
	"time"

	"remedy/internal/grievance"
	"remedy/internal/recruitment"
	"remedy/internal/store"
)

// How the summary table is kept current. A page compares the table's
// fingerprint with the fee reports' (two index-only reads). When they
// differ and there are few reports, the table is recomputed before the
// page is served, so that a report shows at once; with many, the page is
// served from the table as it is (it says when it was computed) and one
// process recomputes in the background under a lease, at most once every
// MinRefreshInterval (a refresh of a million reports takes some seconds of
// one core; reports arriving all day must not keep one busy).
const (
	SyncRefreshLimit   = 20000
	RefreshLease       = 10 * time.Minute
	MinRefreshInterval = time.Minute
)

// Snapshot is what the dashboard is drawn from.
type Snapshot struct {
	Stats      *recruitment.Stats // nil when no report matches the filter
	ComputedAt time.Time
	Reports    int // reports the summary was computed from
	Refreshing bool
	Origins    []string
	Programs   []string
	Years      []int
}

// Refresh recomputes the summary table from the fee reports.
func (s *Service) Refresh(ctx context.Context) error {
	b := recruitment.NewStatsBuilder()
	if meta, err := s.DB.RecruitmentStatsMeta(ctx); err == nil {
		b.Grow(meta.Reports + meta.Reports/8)
	}
	in, err := s.DB.LoadStatsInput(ctx, b.Add)
	if err != nil {
		return err
	}
	stats := b.Stats(in.Items, in.Rules)
	return s.DB.SaveRecruitmentStats(ctx, in.Fingerprint, in.Reports, s.Now().UTC(), stats, in.Agencies)
}

// ensureFresh brings the summary table up to date (see SyncRefreshLimit)
// and returns its state. The size that decides is the number of reports
// the summary was last computed from.
func (s *Service) ensureFresh(ctx context.Context) (store.StatsMeta, bool, error) {
	meta, err := s.DB.RecruitmentStatsMeta(ctx)
	if err != nil || meta.Fresh() {
		return meta, false, err
	}
	limit := s.SyncLimit
	if limit <= 0 {
		limit = SyncRefreshLimit
	}
	if meta.ComputedAt.IsZero() || meta.Reports <= limit {
		if err := s.Refresh(ctx); err != nil {
			return meta, false, err
		}
		meta, err = s.DB.RecruitmentStatsMeta(ctx)
		return meta, false, err
	}
	now := s.Now()
	if now.Sub(meta.ComputedAt) < MinRefreshInterval {
		return meta, true, nil
	}
	ok, err := s.DB.ClaimStatsRefresh(ctx, now, now.Add(RefreshLease))
	if err != nil {
		return meta, false, err
	}
	if ok {
		bg := context.WithoutCancel(ctx)
		go func() {
			if err := s.Refresh(bg); err != nil {
				s.logger().Error("corridor statistics refresh failed", "error", err.Error())
			}
		}()
	}
	return meta, true, nil
}

// Stats returns one filter's figures, before suppression.
func (s *Service) Stats(ctx context.Context, f recruitment.Filter) (Snapshot, error) {
	meta, refreshing, err := s.ensureFresh(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	st, err := s.DB.RecruitmentStats(ctx, f)
	if err != nil {
		return Snapshot{}, err
	}
	d := meta.Dimensions
	sortBy(d.Origins, grievance.OriginCountries)
	sortBy(d.Programs, grievance.Programs)
	slices.Sort(d.Years)
	return Snapshot{Stats: st, ComputedAt: meta.ComputedAt, Reports: meta.Reports, Refreshing: refreshing,
		Origins: d.Origins, Programs: d.Programs, Years: d.Years}, nil
}

func sortBy(vals, order []string) {
	slices.SortFunc(vals, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia < 0 {
			ia = len(order)
		}
		if ib < 0 {
			ib = len(order)
		}
		if ia != ib {
			return ia - ib
		}
		if a < b {
			return -1
		}
		if a > b {
			return 1
		}
		return 0
	})
}

// ShownFinding is an agency's fee findings for one rule, as published.
type ShownFinding struct {
	RuleID     string            `json:"rule_id"`
	Severity   string            `json:"severity"`
	Reports    recruitment.Value `json:"reports"`
	Suppressed bool              `json:"suppressed"`
}

// Profile is an agency's public page: the registry entry, its figures
// from fee reports and grievances (each from at least k reports or cases,
// or suppressed), approved reviews and its answer.
type Profile struct {
	Agency       recruitment.Agency
	Figures      recruitment.Shown // the agency's row of the dashboard (all reports)
	Findings     []ShownFinding
	Grievances   recruitment.Count
	ByCategory   []recruitment.Count
	Reviews      []recruitment.Review
	ReviewCount  int
	MeanRating   float64
	Answer       *recruitment.AgencyAnswer
	MinCell      int
	StatsAsOf    time.Time
	FeeReports   recruitment.Value // reports naming the agency, when at least k
	HasFeeReport bool
}

// AgencyProfile assembles an agency's public page with k as the smallest
// published cell.
func (s *Service) AgencyProfile(ctx context.Context, orgID int64, k int) (Profile, error) {
	if k < 1 {
		k = recruitment.DefaultMinCell
	}
	a, err := s.DB.Agency(ctx, orgID)
	if err != nil {
		return Profile{}, err
	}
	p := Profile{Agency: a, MinCell: k}
	// The agency's row exactly as the dashboard publishes it for all
	// reports (with the same secondary suppression), so the page reveals
	// nothing the dashboard hides.
	snap, err := s.Stats(ctx, recruitment.Filter{})
	if err != nil {
		return p, err
	}
	p.StatsAsOf = snap.ComputedAt
	view := recruitment.BuildView(recruitment.Filter{}, snap.Stats, k)
	key := strconv.FormatInt(orgID, 10)
	p.Figures = recruitment.ShowCell(recruitment.Cell{Key: key}, k)
	for _, row := range view.Agencies {
		if row.Key == key {
			p.Figures = row
		}
	}
	findings, err := s.DB.AgencyFeeFindings(ctx, orgID)
	if err != nil {
		return p, err
	}
	total := 0
	if snap.Stats != nil {
		for _, c := range snap.Stats.Agencies {
			if c.Key == key {
				total = c.Reports
			}
		}
	}
	p.HasFeeReport = total > 0
	if total >= k {
		p.FeeReports = recruitment.Value{V: float64(total), OK: true}
	}
	for _, f := range findings {
		sf := ShownFinding{RuleID: f.RuleID, Severity: f.Severity}
		if total < k || f.Reports < k {
			sf.Suppressed = true
		} else {
			sf.Reports = recruitment.Value{V: float64(f.Reports), OK: true}
		}
		p.Findings = append(p.Findings, sf)
	}
	n, byCat, err := s.DB.AgencyGrievances(ctx, orgID)
	if err != nil {
		return p, err
	}
	p.Grievances = recruitment.ShowCounts([]string{""}, []int{n}, k)[0]
	var cats []string
	var counts []int
	for _, c := range grievance.Categories {
		if byCat[c.Code] > 0 {
			cats = append(cats, c.Code)
			counts = append(counts, byCat[c.Code])
		}
	}
	if n >= k {
		p.ByCategory = recruitment.ShowCounts(cats, counts, k)
	}
	if p.Reviews, err = s.PublishedReviews(ctx, orgID); err != nil {
		return p, err
	}
	if p.ReviewCount, p.MeanRating, err = s.DB.ReviewRating(ctx, orgID); err != nil {
		return p, err
	}
	ans, err := s.DB.Answer(ctx, orgID)
	switch {
	case err == nil:
		p.Answer = &ans
	case isNotFound(err):
	default:
		return p, err
	}
	return p, nil
}

// AgencyNames returns the names of the dashboard's agencies.
func (s *Service) AgencyNames(ctx context.Context, keys []string) (map[string]string, error) {
	var ids []int64
	for _, k := range keys {
		if id, err := strconv.ParseInt(k, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	names, err := s.DB.AgencyNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for id, n := range names {
		out[strconv.FormatInt(id, 10)] = n
	}
	return out, nil
}

// SearchAgencies lists the registry's agencies matching q.
func (s *Service) SearchAgencies(ctx context.Context, q store.AgencyQuery) ([]recruitment.Agency, int, error) {
	return s.DB.SearchAgencies(ctx, q)
}
