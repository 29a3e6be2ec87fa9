package planservice

import (
	"context"
	"fmt"

	"remedy/internal/workplan"
)

// View is the plan as a reader sees it, in the reader's language where a
// translation exists, with every indicator's current value.
type View struct {
	Lang         string
	Today        string
	Filter       workplan.Filter
	Areas        []AreaView
	Stakeholders map[int64]workplan.Stakeholder
	Plan         *workplan.Plan
	// Matched is the number of actions that pass the filter.
	Matched int
}

// AreaView is an area with its outcomes and the actions directly under it.
type AreaView struct {
	workplan.Area
	Text     workplan.Localized
	Outcomes []OutcomeView
	Actions  []ActionView // not under any outcome
}

// OutcomeView is an outcome with its actions and indicators.
type OutcomeView struct {
	workplan.Outcome
	Text       workplan.Localized
	Actions    []ActionView
	Indicators []IndicatorView
}

// ActionView is an action with its progress and indicators.
type ActionView struct {
	workplan.Action
	Text       workplan.Localized
	Progress   []workplan.Progress
	Indicators []IndicatorView
}

// IndicatorView is an indicator with its current value and, for a manual
// one, every value entered.
type IndicatorView struct {
	workplan.Indicator
	Text    workplan.Localized
	Current workplan.Current
	Values  []workplan.Value
}

// Empty reports whether the area shows nothing.
func (a *AreaView) Empty() bool {
	if len(a.Actions) > 0 {
		return false
	}
	for _, o := range a.Outcomes {
		if len(o.Actions) > 0 || len(o.Indicators) > 0 {
			return false
		}
	}
	return true
}

// AllActions lists the area's actions, those under outcomes first.
func (a *AreaView) AllActions() []ActionView {
	var out []ActionView
	for _, o := range a.Outcomes {
		out = append(out, o.Actions...)
	}
	return append(out, a.Actions...)
}

func translationsOf(p *workplan.Plan, entity string, id int64) []workplan.Translation {
	var out []workplan.Translation
	for _, t := range p.Translations {
		if t.Entity == entity && t.ID == id {
			out = append(out, t)
		}
	}
	return out
}

// Compute returns the current value of every computed indicator of the
// plan, by indicator id, measuring each distinct measure once.
func (s *Service) Compute(ctx context.Context, indicators []workplan.Indicator) (map[int64]workplan.Current, error) {
	out := map[int64]workplan.Current{}
	cache := map[string]workplan.Current{}
	today := s.Today()
	for _, ind := range indicators {
		if ind.Kind != workplan.Computed {
			continue
		}
		key := ind.Measure + "|" + ind.Params
		if c, ok := cache[key]; ok {
			out[ind.ID] = c
			continue
		}
		m, ok := workplan.MeasureByID(ind.Measure)
		if !ok {
			continue
		}
		c, err := s.measure(ctx, m, ind.Params, today)
		if err != nil {
			return nil, err
		}
		cache[key], out[ind.ID] = c, c
	}
	return out, nil
}

func (s *Service) measure(ctx context.Context, m workplan.Measure, params, today string) (workplan.Current, error) {
	if m.Pending {
		return m.Compute(workplan.Inputs{}, today), nil
	}
	q := workplan.Query(params)
	var in workplan.Inputs
	var err error
	switch m.ID {
	case "median_days_to_remedy":
		in.Durations, err = s.DB.PlanRemedyDurations(ctx, q)
	case "ack_on_time_share":
		in.OnTime, in.Due, err = s.DB.PlanAcknowledgement(ctx, q, s.Now())
	case "grievances_filed":
		in.Count, err = s.DB.PlanGrievanceCount(ctx, q)
	default:
		return workplan.Current{}, fmt.Errorf("planservice: no query for measure %q", m.ID)
	}
	if err != nil {
		return workplan.Current{}, err
	}
	return m.Compute(in, today), nil
}

// View builds the plan for a reader of lang, keeping the actions that pass
// f (outcomes and areas without any are left out while a filter is set).
func (s *Service) View(ctx context.Context, lang string, f workplan.Filter) (*View, error) {
	p, err := s.DB.LoadPlan(ctx)
	if err != nil {
		return nil, err
	}
	current, err := s.Compute(ctx, p.Indicators)
	if err != nil {
		return nil, err
	}
	v := &View{Lang: lang, Today: s.Today(), Filter: f, Plan: p, Stakeholders: map[int64]workplan.Stakeholder{}}
	for _, st := range p.Stakeholders {
		v.Stakeholders[st.Org.ID] = st
	}
	values := map[int64][]workplan.Value{}
	for _, val := range p.Values {
		values[val.IndicatorID] = append(values[val.IndicatorID], val)
	}
	indicatorsOf := func(outcomeID, actionID int64) []IndicatorView {
		var out []IndicatorView
		for _, ind := range p.Indicators {
			if (outcomeID != 0 && ind.OutcomeID == outcomeID) || (actionID != 0 && ind.ActionID == actionID) {
				iv := IndicatorView{Indicator: ind, Values: values[ind.ID],
					Text: workplan.Localize(lang, ind.Lang, ind.Name, "", translationsOf(p, workplan.EntityIndicator, ind.ID))}
				if ind.Kind == workplan.Computed {
					iv.Current = current[ind.ID]
				} else {
					iv.Current = workplan.CurrentManual(iv.Values)
				}
				out = append(out, iv)
			}
		}
		return out
	}
	progress := map[int64][]workplan.Progress{}
	for _, x := range p.Progress {
		progress[x.ActionID] = append(progress[x.ActionID], x)
	}
	actionView := func(a workplan.Action) ActionView {
		return ActionView{Action: a, Progress: progress[a.ID], Indicators: indicatorsOf(0, a.ID),
			Text: workplan.Localize(lang, a.Lang, a.Title, a.Description, translationsOf(p, workplan.EntityAction, a.ID))}
	}
	for _, a := range p.Areas {
		if f.AreaID != 0 && f.AreaID != a.ID {
			continue
		}
		av := AreaView{Area: a, Text: workplan.Localize(lang, a.Lang, a.Title, a.Description, translationsOf(p, workplan.EntityArea, a.ID))}
		for _, o := range p.Outcomes {
			if o.AreaID != a.ID {
				continue
			}
			ov := OutcomeView{Outcome: o, Indicators: indicatorsOf(o.ID, 0),
				Text: workplan.Localize(lang, o.Lang, o.Title, o.Description, translationsOf(p, workplan.EntityOutcome, o.ID))}
			for _, x := range p.Actions {
				if x.OutcomeID == o.ID && f.Match(&x) {
					ov.Actions = append(ov.Actions, actionView(x))
				}
			}
			v.Matched += len(ov.Actions)
			if f.Active() && len(ov.Actions) == 0 {
				continue
			}
			av.Outcomes = append(av.Outcomes, ov)
		}
		for _, x := range p.Actions {
			if x.AreaID == a.ID && x.OutcomeID == 0 && f.Match(&x) {
				av.Actions = append(av.Actions, actionView(x))
			}
		}
		v.Matched += len(av.Actions)
		if f.Active() && len(av.Outcomes) == 0 && len(av.Actions) == 0 {
			continue
		}
		v.Areas = append(v.Areas, av)
	}
	return v, nil
}

// Action returns one action as a reader of lang sees it.
func (s *Service) Action(ctx context.Context, lang string, id int64) (ActionView, *View, error) {
	v, err := s.View(ctx, lang, workplan.Filter{})
	if err != nil {
		return ActionView{}, nil, err
	}
	for _, a := range v.Areas {
		for _, x := range a.AllActions() {
			if x.ID == id {
				return x, v, nil
			}
		}
	}
	return ActionView{}, nil, notFound()
}
