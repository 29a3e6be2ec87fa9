package recruitment

// The corridor dashboard's figures: recruitment cost and SDG 10.7.1 by
// corridor and programme, by sex, occupation, year and agency; cost by
// item kind; the share of reports with a violation, by rule. ComputeStats
// computes every filter's figures in one go (the store keeps them in a
// summary table, so a page is one indexed read); BuildView publishes one
// filter's figures with small cells suppressed.

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	"remedy/internal/grievance"
)

// DefaultMinCell is the default k: a figure computed from fewer than k
// reports is never published.
const DefaultMinCell = 5

// Filter selects the reports of a dashboard. An empty Origin or Program and
// a zero Year mean all.
type Filter struct {
	Origin  string `json:"origin,omitempty"`
	Program string `json:"program,omitempty"`
	Year    int    `json:"year,omitempty"`
}

// Cell is one group's figures before suppression.
type Cell struct {
	Key        string `json:"k,omitempty"` // the group: a corridor, sex, occupation, year or agency id
	Reports    int    `json:"n"`
	Violations int    `json:"v"` // reports with at least one violation
	Cost       Dist   `json:"c"` // over every report
	SDG        Dist   `json:"s"` // over reports with first-month earnings
}

// Excluded is how many of the cell's reports lack first-month earnings.
func (c Cell) Excluded() int { return c.Reports - c.SDG.N }

// ItemCell is what reports paid for one kind of cost item.
type ItemCell struct {
	Kind    string  `json:"k"`
	Reports int     `json:"n"`   // reports with at least one item of the kind
	SumJPY  float64 `json:"sum"` // total paid for the kind, in JPY
}

// RuleCell counts reports with a violation of one rule.
type RuleCell struct {
	RuleID  string `json:"k"`
	Reports int    `json:"n"`
}

// ItemLeaf and RuleLeaf are item and rule counts by origin, programme and
// year, as the store aggregates them; ComputeStats rolls them up.
type ItemLeaf struct {
	Origin, Program string
	Year            int
	Kind            string
	Reports         int
	SumJPY          float64
}

// RuleLeaf: see ItemLeaf.
type RuleLeaf struct {
	Origin, Program string
	Year            int
	RuleID          string
	Reports         int
}

// Stats is everything one filter's dashboard shows, before suppression.
type Stats struct {
	Filter     Filter     `json:"filter"`
	Total      Cell       `json:"total"`
	Corridors  []Cell     `json:"corridors"`            // key "VN/technical_intern"
	Years      []Cell     `json:"years,omitempty"`      // when the filter is for every year
	Sex        []Cell     `json:"sex,omitempty"`        // key "" is "not stated"
	Occupation []Cell     `json:"occupation,omitempty"` // key "" is "not stated"
	Agencies   []Cell     `json:"agencies,omitempty"`   // key is the agency id; "" is "not identified"
	Items      []ItemCell `json:"items,omitempty"`
	Rules      []RuleCell `json:"rules,omitempty"`
}

// CorridorKey names a corridor and programme in Stats.Corridors.
func CorridorKey(origin, program string) string { return origin + "/" + program }

// SplitCorridorKey is the inverse of CorridorKey.
func SplitCorridorKey(k string) (origin, program string) {
	origin, program, _ = strings.Cut(k, "/")
	return origin, program
}

// Breakdowns computed from the reports themselves: dimTotal has one group;
// the others are indexes into statRec.dims.
const (
	dimTotal = iota
	dimSex
	dimOccupation
	dimAgency
	numDims
)

// interner numbers the values of a dimension. For origins, programmes and
// years, number 0 means "all" (every real value is 1 or more); for the
// breakdowns every value, "" (not stated) included, is a group from 0.
type interner struct {
	idx  map[string]int32
	vals []string
}

func newInterner(withAll bool) *interner {
	in := &interner{idx: map[string]int32{}}
	if withAll {
		in.vals = []string{""}
	}
	return in
}

func (in *interner) id(s string) int32 {
	if i, ok := in.idx[s]; ok {
		return i
	}
	in.vals = append(in.vals, s)
	in.idx[s] = int32(len(in.vals) - 1)
	return int32(len(in.vals) - 1)
}

// idOrAll numbers a real value from 1; "" (unknown) only counts in "all".
func (in *interner) idOrAll(s string) int32 {
	if s == "" {
		return 0
	}
	return in.id(s)
}

func yearKey(y int) string {
	if y <= 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// acc accumulates one group while a sorted run of values passes by: the
// first pass counts and sums, the second catches the order statistics the
// median and the fourth quintile interpolate between.
type acc struct {
	n, seen, viol   int
	sum             float64
	medLo, q4Lo     int
	medFrac, q4Frac float64
	medA, medB      float64
	q4A, q4B        float64
	touched         bool
}

func (a *acc) dist() Dist {
	if a.n == 0 {
		return Dist{}
	}
	med := a.medA
	if a.medFrac != 0 {
		med = a.medA + a.medFrac*(a.medB-a.medA)
	}
	q4 := a.q4A
	if a.q4Frac != 0 {
		q4 = a.q4A + a.q4Frac*(a.q4B-a.q4A)
	}
	return Dist{N: a.n, Mean: a.sum / float64(a.n), Median: med, Q4: q4}
}

// statRec is one report in one of the two sorted orders, carrying all the
// passes need, so that they read memory in order.
type statRec struct {
	v       float64  // cost in yen, or cost ÷ earnings
	o, p, y uint16   // interned origin, programme, year (0: unknown)
	dims    [3]int32 // sex, occupation, agency groups
	viol    bool
}

// StatsBuilder accumulates fee reports for the dashboard's figures without
// keeping them: about 64 bytes a report. Add every report, then call Stats.
type StatsBuilder struct {
	origins, programs, years *interner
	sexes, occupations       *interner
	agencies                 map[int64]int32
	agencyKeys               []string
	byCost, byRatio          []statRec
}

// NewStatsBuilder returns an empty builder.
func NewStatsBuilder() *StatsBuilder {
	return &StatsBuilder{origins: newInterner(true), programs: newInterner(true), years: newInterner(true),
		sexes: newInterner(false), occupations: newInterner(false), agencies: map[int64]int32{}}
}

// Add counts one report.
func (b *StatsBuilder) Add(o Observation) {
	id, ok := b.agencies[max(o.AgencyID, 0)]
	if !ok {
		key := ""
		if o.AgencyID > 0 {
			key = strconv.FormatInt(o.AgencyID, 10)
		}
		id = int32(len(b.agencyKeys))
		b.agencies[max(o.AgencyID, 0)] = id
		b.agencyKeys = append(b.agencyKeys, key)
	}
	r := statRec{v: o.CostJPY, o: uint16(b.origins.idOrAll(o.Origin)), p: uint16(b.programs.idOrAll(o.Program)),
		y: uint16(b.years.idOrAll(yearKey(o.Year))), dims: [3]int32{b.sexes.id(o.Sex), b.occupations.id(o.Occupation), id},
		viol: o.Violation}
	b.byCost = append(b.byCost, r)
	if q, ok := o.Ratio(); ok {
		r.v = q
		b.byRatio = append(b.byRatio, r)
	}
}

// Grow makes room for n more reports (to size the memory once, when the
// number is known).
func (b *StatsBuilder) Grow(n int) {
	b.byCost = slices.Grow(b.byCost, n)
	b.byRatio = slices.Grow(b.byRatio, n)
}

// Len is how many reports were added.
func (b *StatsBuilder) Len() int { return len(b.byCost) }

// ComputeStats computes every filter's figures from reports in memory; see
// StatsBuilder.Stats.
func ComputeStats(obs []Observation, items []ItemLeaf, rules []RuleLeaf) []*Stats {
	b := NewStatsBuilder()
	b.Grow(len(obs))
	for _, o := range obs {
		b.Add(o)
	}
	return b.Stats(items, rules)
}

// Stats computes every filter's figures: each combination of one origin or
// all, one programme or all, one year or all that has reports, with its
// breakdowns, items and rules. The builder is spent.
//
// The reports are sorted once by cost and once by ratio; then, for each
// breakdown, a counting sort groups them by the breakdown's value keeping
// that order, so that each group's values pass by in order: two passes
// over a group give its count, sum, and the order statistics its median
// and fourth quintile interpolate between, for all of its (up to eight)
// filter combinations at once. The work is O(n log n) for the two sorts
// and O(n) per breakdown; the memory, the two orders and one buffer.
func (b *StatsBuilder) Stats(items []ItemLeaf, rules []RuleLeaf) []*Stats {
	origins, programs, years := b.origins, b.programs, b.years
	for _, l := range items {
		origins.idOrAll(l.Origin)
		programs.idOrAll(l.Program)
		years.idOrAll(yearKey(l.Year))
	}
	for _, l := range rules {
		origins.idOrAll(l.Origin)
		programs.idOrAll(l.Program)
		years.idOrAll(yearKey(l.Year))
	}
	nO, nP, nY := len(origins.vals), len(programs.vals), len(years.vals)
	combos := nO * nP * nY
	combo := func(o, p, y int) int { return (o*nP+p)*nY + y }
	// leafCombos lists, for each (origin, programme, year), the filter
	// combinations its reports belong to: each of the three either itself
	// or "all".
	leafCombos := make([][]int32, combos)
	for o := range nO {
		for p := range nP {
			for y := range nY {
				var cs []int32
				for _, o2 := range [2]int{0, o} {
					for _, p2 := range [2]int{0, p} {
						for _, y2 := range [2]int{0, y} {
							if c := int32(combo(o2, p2, y2)); !slices.Contains(cs, c) {
								cs = append(cs, c)
							}
						}
					}
				}
				leafCombos[combo(o, p, y)] = cs
			}
		}
	}
	leafOf := func(r *statRec) []int32 { return leafCombos[(int(r.o)*nP+int(r.p))*nY+int(r.y)] }
	less := func(a, c statRec) int { return cmp.Compare(a.v, c.v) }
	slices.SortFunc(b.byCost, less)
	slices.SortFunc(b.byRatio, less)

	dimVals := [numDims][]string{{""}, b.sexes.vals, b.occupations.vals, b.agencyKeys}
	type cellKey struct {
		combo int32
		val   int32
	}
	cells := make([]map[cellKey]*Cell, numDims)
	for d := range cells {
		cells[d] = map[cellKey]*Cell{}
	}
	accs := make([]acc, combos)
	var touched []int32
	reordered := make([]statRec, len(b.byCost))
	for d := range numDims {
		group := func(r *statRec) int32 {
			if d == dimTotal {
				return 0
			}
			return r.dims[d-1]
		}
		nVals := len(dimVals[d])
		for measure, order := range [2][]statRec{b.byCost, b.byRatio} {
			run := order
			if d != dimTotal {
				// Stable counting sort of the order by the group.
				counts := make([]int, nVals+1)
				for i := range order {
					counts[group(&order[i])+1]++
				}
				for j := 1; j <= nVals; j++ {
					counts[j] += counts[j-1]
				}
				run = reordered[:len(order)]
				for i := range order {
					g := group(&order[i])
					run[counts[g]] = order[i]
					counts[g]++
				}
			}
			for start := 0; start < len(run); {
				val := group(&run[start])
				end := start
				for end < len(run) && group(&run[end]) == val {
					end++
				}
				grp := run[start:end]
				touched = touched[:0]
				for i := range grp {
					r := &grp[i]
					for _, c := range leafOf(r) {
						a := &accs[c]
						if !a.touched {
							a.touched = true
							touched = append(touched, c)
						}
						a.n++
						a.sum += r.v
						if r.viol {
							a.viol++
						}
					}
				}
				for _, c := range touched {
					a := &accs[c]
					a.medLo, a.medFrac = quantileRank(a.n, 0.5)
					a.q4Lo, a.q4Frac = quantileRank(a.n, Quintile4)
				}
				for i := range grp {
					r := &grp[i]
					for _, c := range leafOf(r) {
						a := &accs[c]
						switch a.seen {
						case a.medLo:
							a.medA, a.medB = r.v, r.v
						case a.medLo + 1:
							a.medB = r.v
						}
						switch a.seen {
						case a.q4Lo:
							a.q4A, a.q4B = r.v, r.v
						case a.q4Lo + 1:
							a.q4B = r.v
						}
						a.seen++
					}
				}
				for _, c := range touched {
					a := &accs[c]
					key := cellKey{c, val}
					cell := cells[d][key]
					if cell == nil {
						cell = &Cell{}
						if d != dimTotal {
							cell.Key = dimVals[d][val]
						}
						cells[d][key] = cell
					}
					if measure == 0 {
						cell.Reports, cell.Violations, cell.Cost = a.n, a.viol, a.dist()
					} else {
						cell.SDG = a.dist()
					}
					*a = acc{}
				}
				start = end
			}
		}
	}
	b.byCost, b.byRatio, reordered = nil, nil, nil

	// Assemble each filter's Stats.
	total := func(o, p, y int) *Cell { return cells[dimTotal][cellKey{int32(combo(o, p, y)), 0}] }
	var out []*Stats
	byCombo := map[int]*Stats{}
	for o := range nO {
		for p := range nP {
			for y := range nY {
				t := total(o, p, y)
				if t == nil || t.Reports == 0 {
					continue
				}
				year, _ := strconv.Atoi(years.vals[y])
				s := &Stats{Filter: Filter{Origin: origins.vals[o], Program: programs.vals[p], Year: year}, Total: *t}
				for o2 := 1; o2 < nO; o2++ {
					if o != 0 && o2 != o {
						continue
					}
					for p2 := 1; p2 < nP; p2++ {
						if p != 0 && p2 != p {
							continue
						}
						if c := total(o2, p2, y); c != nil && c.Reports > 0 {
							cc := *c
							cc.Key = CorridorKey(origins.vals[o2], programs.vals[p2])
							s.Corridors = append(s.Corridors, cc)
						}
					}
				}
				if y == 0 {
					for y2 := 1; y2 < nY; y2++ {
						if c := total(o, p, y2); c != nil && c.Reports > 0 {
							cc := *c
							cc.Key = years.vals[y2]
							s.Years = append(s.Years, cc)
						}
					}
				}
				out = append(out, s)
				byCombo[combo(o, p, y)] = s
			}
		}
	}
	for d := dimSex; d < numDims; d++ {
		for key, c := range cells[d] {
			s := byCombo[int(key.combo)]
			if s == nil {
				continue
			}
			switch d {
			case dimSex:
				s.Sex = append(s.Sex, *c)
			case dimOccupation:
				s.Occupation = append(s.Occupation, *c)
			case dimAgency:
				s.Agencies = append(s.Agencies, *c)
			}
		}
	}
	// Items and rules roll up from their leaves into every filter
	// combination the leaf belongs to.
	rollup := func(origin, program string, year int, fn func(s *Stats)) {
		o, p, y := origins.idOrAll(origin), programs.idOrAll(program), years.idOrAll(yearKey(year))
		for _, c := range leafCombos[combo(int(o), int(p), int(y))] {
			if s := byCombo[int(c)]; s != nil {
				fn(s)
			}
		}
	}
	type itemAt struct {
		s    *Stats
		kind string
	}
	type ruleAt struct {
		s    *Stats
		rule string
	}
	itemSums := map[itemAt]*ItemCell{}
	ruleSums := map[ruleAt]*RuleCell{}
	for _, l := range items {
		rollup(l.Origin, l.Program, l.Year, func(s *Stats) {
			k := itemAt{s, l.Kind}
			if itemSums[k] == nil {
				itemSums[k] = &ItemCell{Kind: l.Kind}
			}
			itemSums[k].Reports += l.Reports
			itemSums[k].SumJPY += l.SumJPY
		})
	}
	for _, l := range rules {
		rollup(l.Origin, l.Program, l.Year, func(s *Stats) {
			k := ruleAt{s, l.RuleID}
			if ruleSums[k] == nil {
				ruleSums[k] = &RuleCell{RuleID: l.RuleID}
			}
			ruleSums[k].Reports += l.Reports
		})
	}
	for k, c := range itemSums {
		k.s.Items = append(k.s.Items, *c)
	}
	for k, c := range ruleSums {
		k.s.Rules = append(k.s.Rules, *c)
	}
	for _, s := range out {
		s.sortLists()
	}
	return out
}

// sortLists puts every list in the order the dashboard shows it.
func (s *Stats) sortLists() {
	slices.SortFunc(s.Corridors, func(a, b Cell) int {
		ao, ap := SplitCorridorKey(a.Key)
		bo, bp := SplitCorridorKey(b.Key)
		if c := cmp.Compare(rank(grievance.OriginCountries, ao), rank(grievance.OriginCountries, bo)); c != 0 {
			return c
		}
		if c := cmp.Compare(ao, bo); c != 0 {
			return c
		}
		if c := cmp.Compare(rank(grievance.Programs, ap), rank(grievance.Programs, bp)); c != 0 {
			return c
		}
		return cmp.Compare(ap, bp)
	})
	slices.SortFunc(s.Years, func(a, b Cell) int { return cmp.Compare(a.Key, b.Key) })
	known := func(a, b Cell) int {
		// Largest first, "not stated" last, then by key.
		if (a.Key == "") != (b.Key == "") {
			if a.Key == "" {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(b.Reports, a.Reports); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	}
	slices.SortFunc(s.Sex, func(a, b Cell) int {
		if (a.Key == "") != (b.Key == "") {
			return known(a, b)
		}
		return cmp.Compare(a.Key, b.Key)
	})
	slices.SortFunc(s.Occupation, known)
	slices.SortFunc(s.Agencies, known)
	slices.SortFunc(s.Items, func(a, b ItemCell) int {
		if c := cmp.Compare(b.SumJPY, a.SumJPY); c != 0 {
			return c
		}
		return cmp.Compare(a.Kind, b.Kind)
	})
	slices.SortFunc(s.Rules, func(a, b RuleCell) int {
		if c := cmp.Compare(b.Reports, a.Reports); c != 0 {
			return c
		}
		return cmp.Compare(a.RuleID, b.RuleID)
	})
}

func rank(list []string, v string) int {
	if i := slices.Index(list, v); i >= 0 {
		return i
	}
	return len(list)
}

// Value is a published figure: a number, or suppressed (null in JSON)
// because fewer than k reports are behind it.
type Value struct {
	V  float64
	OK bool
}

// MarshalJSON writes the number, or null when suppressed.
func (v Value) MarshalJSON() ([]byte, error) {
	if !v.OK {
		return []byte("null"), nil
	}
	return json.Marshal(v.V)
}

// UnmarshalJSON reads a number or null.
func (v *Value) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = Value{}
		return nil
	}
	v.OK = true
	return json.Unmarshal(b, &v.V)
}

func shown(v float64) Value { return Value{V: v, OK: true} }

// Rounding of published figures: yen to the yen, months of earnings to two
// decimals, shares to a tenth of a percent. HTML, CSV, XLSX and JSON show
// the same rounded numbers.
func roundYen(v float64) float64    { return math.Round(v) }
func roundMonths(v float64) float64 { return math.Round(v*100) / 100 }
func percent(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return math.Round(float64(n)*1000/float64(of)) / 10
}

// ShownDist is a distribution as published.
type ShownDist struct {
	Mean   Value `json:"mean"`
	Median Value `json:"median"`
	Q4     Value `json:"q4"`
}

// Shown is one group's figures as published.
type Shown struct {
	Key            string    `json:"key"`
	Reports        Value     `json:"reports"`
	Excluded       Value     `json:"excluded"`    // reports without first-month earnings
	SDGReports     Value     `json:"sdg_reports"` // reports the indicator is computed from
	Cost           ShownDist `json:"cost_jpy"`
	SDG            ShownDist `json:"sdg_10_7_1"`      // months of first-month earnings
	ViolationShare Value     `json:"violation_share"` // percent of reports with a violation
	// Suppressed says the group has fewer than k reports (or was hidden so
	// that it cannot be worked out from the others).
	Suppressed bool `json:"suppressed"`

	cell                    Cell
	hideAll, hideSDG, hideV bool
}

// Cell returns the figures behind a Shown, for tests.
func (s Shown) Cell() Cell { return s.cell }

func primary(c Cell, k int) Shown {
	s := Shown{Key: c.Key, cell: c}
	s.hideAll = c.Reports < k
	s.hideSDG = s.hideAll || c.SDG.N < k
	s.hideV = s.hideAll || (c.Violations > 0 && c.Violations < k)
	return s
}

func (s *Shown) publish() {
	c := s.cell
	*s = Shown{Key: s.Key, cell: c, hideAll: s.hideAll, hideSDG: s.hideSDG || s.hideAll, hideV: s.hideV || s.hideAll}
	s.Suppressed = s.hideAll
	if !s.hideAll {
		s.Reports = shown(float64(c.Reports))
		s.Cost = ShownDist{shown(roundYen(c.Cost.Mean)), shown(roundYen(c.Cost.Median)), shown(roundYen(c.Cost.Q4))}
	}
	if !s.hideSDG {
		s.SDGReports = shown(float64(c.SDG.N))
		s.Excluded = shown(float64(c.Excluded()))
		s.SDG = ShownDist{shown(roundMonths(c.SDG.Mean)), shown(roundMonths(c.SDG.Median)), shown(roundMonths(c.SDG.Q4))}
	}
	if !s.hideV {
		s.ViolationShare = shown(percent(c.Violations, c.Reports))
	}
}

// ShowCell publishes one group on its own (no other group can be
// subtracted from it).
func ShowCell(c Cell, k int) Shown {
	s := primary(c, k)
	s.publish()
	return s
}

// ShowPartition publishes groups that together make up total (every report
// of total is in exactly one group, "not stated" included). Besides the
// groups with fewer than k reports (primary suppression), when exactly one
// group's figure is hidden while the total's is shown, the figure could be
// worked out from the total and the other groups: the next smallest group
// is hidden too (secondary suppression). This is done separately for all
// figures, for SDG 10.7.1 (computed from fewer reports) and for the
// violation share.
func ShowPartition(cells []Cell, total Cell, k int) []Shown {
	t := primary(total, k)
	out := make([]Shown, len(cells))
	for i, c := range cells {
		out[i] = primary(c, k)
	}
	type group struct {
		hidden func(s *Shown) bool
		hide   func(s *Shown)
		size   func(c Cell) int
	}
	groups := []group{
		{func(s *Shown) bool { return s.hideAll }, func(s *Shown) { s.hideAll, s.hideSDG, s.hideV = true, true, true }, func(c Cell) int { return c.Reports }},
		{func(s *Shown) bool { return s.hideSDG || s.hideAll }, func(s *Shown) { s.hideSDG = true }, func(c Cell) int { return c.SDG.N }},
		{func(s *Shown) bool { return s.hideV || s.hideAll }, func(s *Shown) { s.hideV = true }, func(c Cell) int { return c.Reports }},
	}
	for changed := true; changed; {
		changed = false
		for _, g := range groups {
			if g.hidden(&t) {
				continue
			}
			hidden, smallest := 0, -1
			for i := range out {
				if out[i].cell.Reports == 0 {
					continue
				}
				if g.hidden(&out[i]) {
					hidden++
				} else if smallest < 0 || g.size(out[i].cell) < g.size(out[smallest].cell) {
					smallest = i
				}
			}
			if hidden == 1 && smallest >= 0 {
				g.hide(&out[smallest])
				changed = true
			}
		}
	}
	for i := range out {
		out[i].publish()
	}
	return out
}

// ShownItem is what reports paid for one kind of item, as published.
type ShownItem struct {
	Kind          string `json:"kind"`
	Reports       Value  `json:"reports"`         // reports that paid for the kind
	Share         Value  `json:"share"`           // percent of all reports
	MeanPaid      Value  `json:"mean_paid_jpy"`   // mean paid, among those who paid
	MeanPerReport Value  `json:"mean_per_report"` // mean over every report (JPY)
	Suppressed    bool   `json:"suppressed"`
}

// ShownRule is the share of reports with a violation of one rule.
type ShownRule struct {
	RuleID     string `json:"rule_id"`
	Reports    Value  `json:"reports"`
	Share      Value  `json:"share"` // percent of all reports
	Suppressed bool   `json:"suppressed"`
}

// ShowItems publishes the cost by kind of item of total's reports.
func ShowItems(items []ItemCell, total Cell, k int) []ShownItem {
	var out []ShownItem
	for _, it := range items {
		s := ShownItem{Kind: it.Kind}
		if total.Reports < k || it.Reports < k {
			s.Suppressed = true
		} else {
			s.Reports = shown(float64(it.Reports))
			s.Share = shown(percent(it.Reports, total.Reports))
			s.MeanPaid = shown(roundYen(it.SumJPY / float64(it.Reports)))
			s.MeanPerReport = shown(roundYen(it.SumJPY / float64(total.Reports)))
		}
		out = append(out, s)
	}
	return out
}

// ShowRules publishes the share of total's reports with a violation, by
// rule.
func ShowRules(rules []RuleCell, total Cell, k int) []ShownRule {
	var out []ShownRule
	for _, r := range rules {
		s := ShownRule{RuleID: r.RuleID}
		if total.Reports < k || (r.Reports > 0 && r.Reports < k) {
			s.Suppressed = true
		} else {
			s.Reports = shown(float64(r.Reports))
			s.Share = shown(percent(r.Reports, total.Reports))
		}
		out = append(out, s)
	}
	return out
}

// Count is a number of something (reports, grievances) as published.
type Count struct {
	Key        string `json:"key"`
	N          Value  `json:"n"`
	Suppressed bool   `json:"suppressed"`
}

// ShowCounts publishes counts: none below k except zero.
func ShowCounts(keys []string, counts []int, k int) []Count {
	out := make([]Count, len(keys))
	for i, key := range keys {
		out[i] = Count{Key: key}
		if counts[i] > 0 && counts[i] < k {
			out[i].Suppressed = true
		} else {
			out[i].N = shown(float64(counts[i]))
		}
	}
	return out
}

// View is one filter's dashboard as published: the same figures in the
// HTML page, the CSV and XLSX exports and the JSON API.
type View struct {
	Filter     Filter  `json:"filter"`
	MinCell    int     `json:"min_cell"`
	Total      Shown   `json:"total"`
	Corridors  []Shown `json:"corridors"`
	Years      []Shown `json:"years"`
	Sex        []Shown `json:"sex"`
	Occupation []Shown `json:"occupation"`
	Agencies   []Shown `json:"agencies"` // only the agencies with figures
	// AgenciesHidden counts the agencies whose figures are suppressed:
	// they are not listed, since a list of hundreds of small agencies
	// would say nothing.
	AgenciesHidden int         `json:"agencies_hidden"`
	Items          []ShownItem `json:"items"`
	Rules          []ShownRule `json:"rules"`
}

// BuildView publishes s with k as the smallest cell. A nil s (no report
// matches the filter) gives an empty, suppressed view.
func BuildView(f Filter, s *Stats, k int) View {
	if k < 1 {
		k = DefaultMinCell
	}
	if s == nil {
		s = &Stats{Filter: f}
	}
	v := View{Filter: f, MinCell: k, Total: ShowCell(s.Total, k)}
	v.Corridors = nonNil(ShowPartition(s.Corridors, s.Total, k))
	v.Years = nonNil(ShowPartition(s.Years, s.Total, k))
	v.Sex = nonNil(ShowPartition(s.Sex, s.Total, k))
	v.Occupation = nonNil(ShowPartition(s.Occupation, s.Total, k))
	v.Agencies = []Shown{}
	for _, a := range ShowPartition(s.Agencies, s.Total, k) {
		if a.Suppressed {
			v.AgenciesHidden++
			continue
		}
		v.Agencies = append(v.Agencies, a)
	}
	v.Items = ShowItems(s.Items, s.Total, k)
	if v.Items == nil {
		v.Items = []ShownItem{}
	}
	v.Rules = ShowRules(s.Rules, s.Total, k)
	if v.Rules == nil {
		v.Rules = []ShownRule{}
	}
	return v
}

func nonNil(s []Shown) []Shown {
	if s == nil {
		return []Shown{}
	}
	return s
}
