package grievance_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"reflect"
	"regexp"
	"testing"
	"testing/iotest"
	"time"

	"remedy/internal/grievance"
)

func TestDefaultAckPolicy(t *testing.T) {
	p := grievance.DefaultAckPolicy
	want := grievance.AckPolicy{Urgent: 24 * time.Hour, High: 72 * time.Hour, Normal: 120 * time.Hour}
	if p != want {
		t.Fatalf("DefaultAckPolicy = %+v, want %+v", p, want)
	}
	for risk, d := range map[grievance.Risk]time.Duration{
		grievance.RiskUrgent: 24 * time.Hour,
		grievance.RiskHigh:   72 * time.Hour,
		grievance.RiskNormal: 120 * time.Hour,
		"":                   120 * time.Hour, // anything unknown gets the longest, normal deadline
		"bogus":              120 * time.Hour,
	} {
		if got := p.For(risk); got != d {
			t.Errorf("For(%q) = %s, want %s", risk, got, d)
		}
	}
}

func TestNewCaseAcknowledgeBy(t *testing.T) {
	created := time.Date(2026, 11, 2, 18, 30, 15, 123456789, time.FixedZone("JST", 9*3600))
	createdUTC := created.UTC().Truncate(time.Millisecond)
	custom := grievance.AckPolicy{Urgent: 2 * time.Hour, High: 8 * time.Hour, Normal: 48 * time.Hour}
	cases := []struct {
		categories []string
		risk       grievance.Risk
	}{
		{[]string{"threats"}, grievance.RiskUrgent},
		{[]string{"wages.unpaid"}, grievance.RiskHigh},
		{[]string{"other"}, grievance.RiskNormal},
	}
	for _, policy := range []grievance.AckPolicy{grievance.DefaultAckPolicy, custom} {
		for _, tc := range cases {
			s := validSubmission()
			s.Categories = tc.categories
			s.Normalize()
			c := grievance.NewCase(s, "RM-AAAA-BBBB", created, policy)
			if c.Triage.Risk != tc.risk {
				t.Fatalf("%v: risk %s, want %s", tc.categories, c.Triage.Risk, tc.risk)
			}
			if !c.CreatedAt.Equal(createdUTC) || c.CreatedAt.Location() != time.UTC {
				t.Errorf("CreatedAt = %s, want %s (UTC, to the millisecond)", c.CreatedAt, createdUTC)
			}
			if want := createdUTC.Add(policy.For(tc.risk)); !c.AcknowledgeBy.Equal(want) {
				t.Errorf("policy %+v, %s: AcknowledgeBy = %s, want created + %s = %s", policy, tc.risk, c.AcknowledgeBy, policy.For(tc.risk), want)
			}
			if !c.UpdatedAt.Equal(c.CreatedAt) {
				t.Errorf("UpdatedAt = %s, want CreatedAt %s", c.UpdatedAt, c.CreatedAt)
			}
			if d, ok := c.NextDeadline(); !ok || !d.Equal(c.AcknowledgeBy) {
				t.Errorf("NextDeadline = %s, %v; want AcknowledgeBy %s", d, ok, c.AcknowledgeBy)
			}
		}
	}
	// The default policy, spelled out.
	s := validSubmission()
	s.Categories = []string{"documents.retained"}
	c := grievance.NewCase(s, "RM-AAAA-BBBB", created, grievance.DefaultAckPolicy)
	if want := time.Date(2026, 11, 3, 9, 30, 15, 123000000, time.UTC); !c.AcknowledgeBy.Equal(want) {
		t.Errorf("urgent case created %s: AcknowledgeBy %s, want %s", created, c.AcknowledgeBy, want)
	}
}

func TestNewCaseFields(t *testing.T) {
	s := validSubmission()
	s.Normalize()
	now := time.Date(2026, 5, 1, 1, 2, 3, 4, time.UTC)
	c := grievance.NewCase(s, "RM-1234-ABCD", now, grievance.DefaultAckPolicy)
	want := grievance.Case{
		Reference:     "RM-1234-ABCD",
		Status:        grievance.StatusReceived,
		Triage:        grievance.TriageCategories(s.Categories),
		Language:      "vi",
		OriginCountry: "VN",
		Program:       "technical_intern",
		Prefecture:    "JP-23",
		IncidentDate:  "2026-04-01",
		Categories:    []string{"wages.unpaid", "hours.excessive"},
		Anonymous:     false,
		ShareIdentity: true,
		CreatedAt:     now.Truncate(time.Millisecond),
		AcknowledgeBy: now.Truncate(time.Millisecond).Add(72 * time.Hour),
		UpdatedAt:     now.Truncate(time.Millisecond),
		Details: grievance.Details{
			Narrative:          s.Narrative,
			EmployerName:       s.EmployerName,
			SupervisingOrgName: s.SupervisingOrgName,
			SendingOrgName:     s.SendingOrgName,
			Contact:            s.Contact,
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("NewCase =\n  %+v\nwant\n  %+v", c, want)
	}
	// The case does not share the submission's category slice.
	s.Categories[0] = "other"
	if c.Categories[0] != "wages.unpaid" {
		t.Errorf("changing the submission changed the case's categories: %q", c.Categories)
	}
}

func TestNextDeadlineOnlyWhileReceived(t *testing.T) {
	c := grievance.NewCase(validSubmission(), "RM-0000-0000", time.Now(), grievance.DefaultAckPolicy)
	for _, st := range grievance.Statuses {
		c.Status = st
		_, ok := c.NextDeadline()
		if ok != (st == grievance.StatusReceived) {
			t.Errorf("status %s: NextDeadline ok = %v", st, ok)
		}
	}
}

func TestStatuses(t *testing.T) {
	want := []grievance.Status{"received", "acknowledged", "in_review", "referred", "in_dialogue",
		"remedy_proposed", "remedy_accepted", "remedy_implemented", "closed", "out_of_scope", "withdrawn", "escalated"}
	if !reflect.DeepEqual(grievance.Statuses, want) {
		t.Errorf("Statuses = %q, want %q", grievance.Statuses, want)
	}
}

var referenceShape = regexp.MustCompile(`^RM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)

func TestNewReferenceFormat(t *testing.T) {
	// Every byte value maps into the alphabet (no I, L, O, U).
	var all []byte
	for i := 0; i < 256; i++ {
		all = append(all, byte(i))
	}
	r := bytes.NewReader(all)
	for r.Len() > 0 {
		ref, err := grievance.NewReference(r)
		if err != nil {
			t.Fatal(err)
		}
		if !referenceShape.MatchString(ref) {
			t.Fatalf("NewReference = %q, want RM-XXXX-XXXX in Crockford base 32 without I L O U", ref)
		}
	}
	ref, err := grievance.NewReference(bytes.NewReader(make([]byte, 8)))
	if err != nil || ref != "RM-0000-0000" {
		t.Errorf("NewReference(zeros) = %q, %v; want RM-0000-0000", ref, err)
	}
	ref, err = grievance.NewReference(bytes.NewReader([]byte{31, 30, 29, 28, 0, 1, 2, 3}))
	if err != nil || ref != "RM-ZYXW-0123" {
		t.Errorf("NewReference = %q, %v; want RM-ZYXW-0123", ref, err)
	}
}

func TestNewReferenceDistinct(t *testing.T) {
	seen := make(map[string]bool, 1000)
	for i := 0; i < 1000; i++ {
		ref, err := grievance.NewReference(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if !referenceShape.MatchString(ref) {
			t.Fatalf("NewReference = %q: bad shape", ref)
		}
		if seen[ref] {
			t.Fatalf("reference %s returned twice in %d draws", ref, i+1)
		}
		seen[ref] = true
	}
}

func TestNewReferenceRandomFailure(t *testing.T) {
	boom := errors.New("boom")
	if ref, err := grievance.NewReference(iotest.ErrReader(boom)); err == nil || !errors.Is(err, boom) {
		t.Errorf("NewReference(failing reader) = %q, %v; want an error wrapping boom", ref, err)
	}
	if ref, err := grievance.NewReference(bytes.NewReader(make([]byte, 7))); err == nil {
		t.Errorf("NewReference(7 bytes) = %q, nil; want an error", ref)
	}
}
