package workplan

// Filter selects actions in the public view. Empty fields match anything.
type Filter struct {
	AreaID      int64
	Country     string
	Stakeholder int64 // leads or joins
	Status      Status
	Kind        Kind
}

// Match reports whether a passes the filter.
func (f Filter) Match(a *Action) bool {
	switch {
	case f.AreaID != 0 && a.AreaID != f.AreaID:
		return false
	case f.Country != "" && !a.HasCountry(f.Country):
		return false
	case f.Stakeholder != 0 && !a.Involves(f.Stakeholder):
		return false
	case f.Status != "" && a.Status != f.Status:
		return false
	case f.Kind != "" && a.Kind != f.Kind:
		return false
	}
	return true
}

// Active reports whether any field is set.
func (f Filter) Active() bool {
	return f.AreaID != 0 || f.Country != "" || f.Stakeholder != 0 || f.Status != "" || f.Kind != ""
}
